"""The audit page: the trail in the words of its readers — actions in Chinese (`audit.ACTIONS`),
each object by its title with a link to its page, people by name, regions by name — filtered by
person, action, object and date; the same rows as Excel or CSV."""

import datetime as dt
from collections import defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from . import audit, downloads, uploads
from .permissions import get_visible
from .tables import Column, Table, download
from .web import export_format, paginate, role_refusal, role_required

AUDIT_ROLES = ("city_admin", "county_supervisor", "auditor")

# Where an object of the trail is shown: its page's URL name and the arguments from the object;
# `related` is what the arguments read through.
OBJECT_PAGES = {
    "oversight.warning": ("oversight:warning", lambda o: [o.pk], ()),
    "ledger.voucher": ("ledger:voucher", lambda o: [o.book.code, o.pk], ("book",)),
    "ledger.book": ("ledger:book", lambda o: [o.code], ()),
    "partywork.task": ("partywork:task", lambda o: [o.pk], ()),
    "partywork.partyorg": ("partywork:org", lambda o: [o.pk], ()),
    "decisions.matter": ("decisions:detail", lambda o: [o.pk], ()),
    "disclosure.disclosure": ("disclosure:detail", lambda o: [o.pk], ()),
    "disclosure.question": ("disclosure:question", lambda o: [o.pk], ()),
    "assessment.analysisround": ("assessment:round", lambda o: [o.pk], ()),
    "assessment.rectification": ("assessment:rectification", lambda o: [o.pk], ()),
    "assessment.assessment": ("assessment:assessment", lambda o: [o.pk], ()),
    "assessment.difficultvillage": ("assessment:difficult", lambda o: [o.pk], ()),
    "economy.cadrereward": ("economy:award", lambda o: [o.village_id, o.year], ()),
    "regions.region": ("regions:node", lambda o: [o.code], ()),
}


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _kind(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else ""


def _objects(events, user) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, id) → (title, link) for the objects of `events` that `user` may see."""
    wanted = defaultdict(set)
    for e in events:
        if e.object_type in OBJECT_PAGES and e.object_id:
            wanted[e.object_type].add(e.object_id)
    found = {}
    users = {i for e in events if e.object_type == "auth.user" and (i := e.object_id).isdigit()}
    for pk, username, name in get_user_model().objects.filter(pk__in=users).values_list("pk", "username", "first_name"):
        found[("auth.user", str(pk))] = (name or username, "")  # named; whose page it is is the accounts app's to say
    for object_type, ids in wanted.items():
        model = _model(object_type)
        if model is None or not hasattr(model, "scope_field"):
            continue
        url_name, args, related = OBJECT_PAGES[object_type]
        pk = model._meta.pk
        try:
            keys = [pk.to_python(i) for i in ids]
        except (ValueError, ValidationError):  # not this model's key (a refusal names what was asked for)
            continue
        qs = model.objects.visible_to(user).filter(pk__in=keys)
        for obj in qs.select_related(*related) if related else qs:
            try:
                link = reverse(url_name, args=args(obj))
            except NoReverseMatch:
                link = ""
            found[(object_type, str(obj.pk))] = (str(obj)[:80], link)
    return found


def _people(events) -> dict[str, str]:
    names = {e.actor_name for e in events if e.actor_name}
    return {u: f or u for u, f in get_user_model().objects.filter(username__in=names).values_list("username", "first_name")}


def _regions(codes, user) -> tuple[dict[str, str], set[str]]:
    """Each code's name, and the codes whose page `user` may open."""
    from sanwu.regions.models import Region

    codes = set(codes)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return names, set(Region.objects.visible_to(user).filter(code__in=codes).values_list("code", flat=True))


def rows_of(events, user) -> list[dict]:
    """Each event as the page and the export show it."""
    events = list(events)
    objects, people = _objects(events, user), _people(events)
    regions, linked = _regions((e.region_code for e in events if e.region_code), user)
    rows = []
    for e in events:
        title, link = objects.get((e.object_type, e.object_id), ("", ""))
        kind = _kind(e.object_type) if e.object_type else ""
        rows.append({
            "event": e, "at": e.at, "action": e.action, "action_label": audit.action_label(e.action),
            "actor": e.actor_name, "actor_label": people.get(e.actor_name, e.actor_name) if e.actor_name else "系统",
            "object_label": title or (f"{kind or e.object_type} {e.object_id}".strip() if e.object_type or e.object_id else ""),
            "object_kind": kind, "object_link": link,
            "region": e.region_code, "region_label": regions.get(e.region_code, e.region_code),
            "region_link": reverse("regions:node", args=[e.region_code]) if e.region_code in linked else "",
        })
    return rows


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@role_required(*AUDIT_ROLES)
def audit_list(request):
    g = request.GET
    f = {
        "actor": g.get("actor", "").strip(), "action": g.get("action", "").strip(), "object_type": g.get("object_type", "").strip(),
        "object_id": g.get("object_id", "").strip(), "since": _date(g.get("since", "")), "until": _date(g.get("until", "")),
        "q": g.get("q", "").strip(),
    }
    qs = audit.events_for(request.user, **f)
    fmt = export_format(request)
    if fmt:
        table = Table(
            "审计记录",
            [
                Column("at", "时间", width=20), Column("actor", "操作人"), Column("username", "用户名"), Column("action", "操作", width=20),
                Column("object", "对象", width=36), Column("region", "区划", width=16), Column("request_id", "请求编号", width=34),
            ],
            [
                {
                    "at": r["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"), "actor": r["actor_label"], "username": r["actor"],
                    "action": r["action_label"], "object": r["object_label"], "region": r["region_label"], "request_id": r["event"].request_id,
                }
                for r in rows_of(qs[:10000], request.user)
            ],
        )
        return download(table, "审计记录", fmt)
    page = paginate(request, qs)
    query = g.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "core/audit_list.html", {
        "page": page, "rows": rows_of(page.object_list, request.user), "f": f, "query": query.urlencode(),
        "actions": sorted(audit.ACTIONS.items(), key=lambda kv: kv[0]),
        "object_types": [(t, _kind(t) or t) for t in sorted(OBJECT_PAGES)],
        "filtered": any(f.values()),
    })


def serve_file(request, model, *, roles=(), user=None, cache="private, max-age=0", **lookup):
    """The one way a stored file (a `core.models.StoredFile`) is answered, only through the scope
    gate (never a public media URL); nothing the user may not see: 404, the refusal audited.

    A page routes its URL here, naming the model (and the roles that may open it) in the URL's
    extra arguments; the URL's named parts are lookups on the model:

        path("tasks/evidence/<int:pk>/", serve_file, {"model": TaskEvidence, "roles": PARTY}, name="evidence")

    The user must be logged in and hold one of `roles` (any role when none are named), and
    `?download=1` asks for a download. The API calls it from its own endpoint with
    `user=request.auth` (its authentication has run) and `cache="private, no-store"`."""
    if user is None:
        refusal = role_refusal(request, roles)
        if refusal is not None:
            return refusal
        user = request.user
    stored = get_visible(model, user, **lookup)
    return uploads.file_response(
        stored.file, stored.content_type, stored.filename, download=request.GET.get("download") == "1", cache=cache
    )


# --- files made in the background (core.downloads) ------------------------------------------


@never_cache
@role_required()
def download_page(request, pk: int):
    """A file being made for this user: its progress (the page polls `download_status`; without
    scripts a link refreshes it), then the link to the file."""
    d = downloads.own(request.user, pk)
    return render(request, "core/download.html", {"d": d, "status_url": reverse("core:download_status", args=[d.pk])})


@never_cache
@role_required()
def download_status(request, pk: int):
    d = downloads.own(request.user, pk)
    return JsonResponse({
        "status": d.status, "label": d.get_status_display(), "done": d.done, "total": d.total, "percent": d.percent,
        "error": d.error, "url": reverse("core:download_file", args=[d.pk]) if d.status == "ready" else None,
    })


@role_required()
def download_file(request, pk: int):
    d = downloads.own(request.user, pk)
    if d.status != "ready":
        return download_page(request, pk)
    return uploads.file_response(d.file, d.content_type, d.filename, download=True, cache="private, no-store")
