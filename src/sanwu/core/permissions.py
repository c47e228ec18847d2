"""The one permission module: what a user may see, and whether they may do a thing to it.

Asked the same way by every view, API handler, importer and command (NetBox's `restrict`):

- `visible(model, user, roles=None)` — the queryset the user may see. The system operator (user
  `None`: the CLI without `--as`, the demo, daily jobs) sees everything; everyone else goes through
  `Model.objects.visible_to`, which fails closed (`core.scope`).
- `get_visible(model, user, **lookup)` — one object, or `NotFound` (pages: 404, API: 404 JSON).
  When the object exists but lies outside the user's scope, the refusal is audited.
- `may(user, roles, region_code)` — may the user act, through one of `roles`, on something in the
  region? The system operator may; read-only roles never do.
- `require(user, roles, region_code, what)` — `may`, or an audited `Refused` ("无权…"), which is a
  `PermissionDenied`: pages answer 403 and the API 403 JSON without a catch block.
- `holds(user, roles)` — does the user hold one of `roles` anywhere (to offer a menu entry)?
- `counties_for(user)` — the counties a user's regions lie in or contain: what every county picker
  offers (`county_regions` as regions, `county_offered` one of them or `NotFound`). Whether the
  user may change a county's settings is still `may`.

Region codes are cut in one place, `core.codes` (`county_of`, `township_of`, `city_of`).
"""

from django.db.models import Q
from django.http import Http404

from sanwu.regions.models import Region

from . import audit
from .codes import county_of
from .errors import NotFound, Refused
from .scope import READ_ONLY_ROLES, code_in_scope, grants_of, prefixes_of, roles_of

NOT_FOUND = "未找到，或不在您的管辖范围内"


def refuse(user, what: str, object_id="", region_code: str = "") -> None:
    """Write a refusal to the audit trail. Callers then raise `Refused` or `NotFound`."""
    audit.record(
        "permission_denied",
        object_type=what[:64],
        object_id=str(object_id)[:64],
        region_code=region_code or "",
        actor=user if getattr(user, "is_authenticated", False) else None,
        note=",".join(sorted(roles_of(user))),
    )


def may(user, roles, region_code: str) -> bool:
    """The system operator (None) may; otherwise one of `roles`, never a read-only one, must
    cover the region `region_code`."""
    if user is None:
        return True
    return code_in_scope(user, region_code, set(roles) - READ_ONLY_ROLES)


def require(user, roles, region_code: str, what: str, *, object_type: str = "", object_id="") -> None:
    """Refuse, audited, unless `may(user, roles, region_code)`. `what` is the Chinese verb phrase
    the refusal names (「无权记账」); `object_type` the audit trail's name for the action."""
    if not may(user, roles, region_code):
        refuse(user, object_type or f"permission:{what}", object_id, region_code)
        raise Refused(f"无权{what}")


def holds(user, roles) -> bool:
    """Whether the user holds one of `roles` over any region (None, the operator, holds all)."""
    if user is None:
        return True
    wanted = set(roles)
    return any(g.role in wanted for g in grants_of(user))


def visible(model, user, roles=None):
    """Everything for the system operator; the scope gate for everyone else."""
    if user is None:
        return model.objects.all()
    return model.objects.visible_to(user, roles)


def _audit_hidden(model, user, lookup: dict) -> None:
    hidden = model.objects.filter(**lookup).first()
    if hidden is None:
        return
    code = hidden
    for part in (getattr(model, "scope_field", None) or "").split("__"):  # "village__code": the village's code
        code = getattr(code, part, None) if part else None
    code = str(code or "") if isinstance(code, str) else ""
    refuse(user, model._meta.label_lower, hidden.pk, code)


def get_visible(model, user, roles=None, **lookup):
    """The object if the user may see it; otherwise `NotFound` (audited when it exists)."""
    obj = visible(model, user, roles).filter(**lookup).first()
    if obj is not None:
        return obj
    _audit_hidden(model, user, lookup)
    raise NotFound(NOT_FOUND)


def get_visible_or_404(model, user, roles=None, **lookup):
    """`get_visible` for views, answering Django's 404 page."""
    try:
        return get_visible(model, user, roles, **lookup)
    except NotFound:
        raise Http404(NOT_FOUND) from None


def counties_for(user, roles=None) -> list[str]:
    """County codes a user's regions lie in (township, village) or are (county) or contain
    (city, province): the one list every county picker offers, sorted. The operator: all."""
    qs = Region.objects.filter(level="county")
    if user is None:
        return list(qs.order_by("code").values_list("code", flat=True))
    codes: set[str] = set()
    wide = Q()
    for g in grants_of(user):
        if roles is not None and g.role not in roles:
            continue
        county = county_of(g.region_code)
        if county:
            codes.add(county)
        else:
            wide |= Q(code__startswith=g.prefix)
    if wide:
        codes.update(qs.filter(wide).values_list("code", flat=True))
    return sorted(codes)


def county_regions(user, roles=None) -> list[Region]:
    """`counties_for` as regions, in code order: what a county picker shows."""
    return list(Region.objects.filter(code__in=counties_for(user, roles), level="county").order_by("code"))


def county_offered(user, county_code: str, roles=None, what: str = "county") -> Region:
    """One of `county_regions`, or `NotFound` (the refusal audited as `what` when the county exists)."""
    county = Region.objects.filter(code=county_code, level="county").first()
    if county is None or county.code not in counties_for(user, roles):
        if county is not None:
            refuse(user, what, county_code, county_code)
        raise NotFound(NOT_FOUND)
    return county


__all__ = [
    "NOT_FOUND",
    "counties_for",
    "county_offered",
    "county_regions",
    "get_visible",
    "get_visible_or_404",
    "holds",
    "may",
    "prefixes_of",
    "refuse",
    "require",
    "visible",
]
