"""Fetching through the scope gate, and refusing visibly (404, audited)."""

from django.http import Http404

from . import audit
from .scope import roles_of


def refuse(user, what: str, object_id: str = "", region_code: str = "") -> None:
    """Write the refusal to the audit trail. Callers then raise Http404 or PermissionDenied."""
    audit.record(
        "permission_denied",
        object_type=what,
        object_id=str(object_id)[:64],
        region_code=region_code,
        actor=user if getattr(user, "is_authenticated", False) else None,
        note=",".join(sorted(roles_of(user))),
    )


def get_visible_or_404(model, user, roles=None, **lookup):
    """The object if the user may see it; otherwise 404 (and, if it exists, an audited refusal)."""
    obj = model.objects.visible_to(user, roles).filter(**lookup).first()
    if obj is not None:
        return obj
    hidden = model.objects.filter(**lookup).first()
    if hidden is not None:
        code = ""
        field = getattr(model, "scope_field", None)
        if field and "__" not in field:
            code = str(getattr(hidden, field, "") or "")
        refuse(user, model._meta.label_lower, hidden.pk, code)
    raise Http404("未找到，或不在您的管辖范围内")
