from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from . import downloads, uploads
from .models import AuditEvent
from .permissions import get_visible
from .tables import Column, Table, download
from .web import export_format, paginate, role_refusal, role_required

AUDIT_ROLES = ("city_admin", "county_supervisor", "auditor")


@role_required(*AUDIT_ROLES)
def audit_list(request):
    qs = AuditEvent.objects.visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(action__icontains=q) | Q(actor_name__icontains=q) | Q(object_id__icontains=q) | Q(region_code__startswith=q))
    fmt = export_format(request)
    if fmt:
        table = Table(
            "审计记录",
            [
                Column("at", "时间", width=20),
                Column("actor", "操作人"),
                Column("action", "操作"),
                Column("object", "对象", width=30),
                Column("region", "区划"),
                Column("request_id", "请求编号", width=34),
            ],
            [
                {
                    "at": e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                    "actor": e.actor_name,
                    "action": e.action,
                    "object": f"{e.object_type}:{e.object_id}",
                    "region": e.region_code,
                    "request_id": e.request_id,
                }
                for e in qs[:10000]
            ],
        )
        return download(table, "审计记录", fmt)
    return render(request, "core/audit_list.html", {"page": paginate(request, qs), "q": q})


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
