"""The township and county dashboards: warnings counted by status, child region, village, rule and
month, overdue closings, disclosures and questions (each table exported on its own)."""

from django.http import Http404

from sanwu.core.permissions import get_visible_or_404
from sanwu.core.scope import code_in_scope
from sanwu.core.tables import download
from sanwu.core.web import current_region_code, export_format, role_required
from sanwu.regions.models import Region

from .. import services, tables
from ..models import SEVERITIES, STATUSES
from ..rules import RULES
from .common import SUPERVISOR_ROLES, render_page


def _base_region(request) -> Region | None:
    """The region a dashboard is about: ?region= when in scope, else the one picked, else the
    user's widest grant."""
    code = (request.GET.get("region") or "").strip()
    if code:
        return get_visible_or_404(Region, request.user, code=code)
    code = current_region_code(request)
    return Region.objects.visible_to(request.user).filter(code=code).first() if code else None


@role_required(*SUPERVISOR_ROLES)
def dashboard(request):
    region = _base_region(request)
    if region is None:
        return render_page(request, "oversight/dashboard.html", {"region": None})
    data = services.dashboard(request.user, region.code)
    data["rule_rows"] = [
        {"code": code, "label": r.label, "severity": dict(SEVERITIES)[r.severity], **data["rules"].get(code, {"active": 0, "total": 0})}
        for code, r in RULES.items()
    ]
    closings = services.overdue_closings(request.user, region.code)
    adapters = services.adapter_rows(request.user, region.code)
    table = request.GET.get("table", "")
    fmt = export_format(request)
    if fmt:
        if table not in tables.DASH_TABLES:
            raise Http404("没有这张表")
        return download(tables.dashboard_table(table, data, closings, adapters), f"{tables.DASH_TABLES[table]}-{region.name}", fmt)
    chart = {
        "trend": data["trend"],
        "severity_labels": dict(SEVERITIES),
        "statuses": [{"name": label, "value": data["statuses"][code]} for code, label in STATUSES],
        "rules": [{"name": r["label"], "value": r["active"]} for r in data["rule_rows"]],
        "children": [{"name": c["name"], "open": c["open"], "explained": c["explained"], "escalated": c["escalated"], "accepted": c["accepted"]} for c in data["children"][:40]],
    }
    level = region.level
    child_label = {"city": "县区", "county": "乡镇", "township": "村"}.get(level, "")
    wider = [r for r in region.ancestors() if code_in_scope(request.user, r.code)]
    narrower = Region.objects.visible_to(request.user).filter(parent=region).order_by("code") if level in ("city", "county") else []
    return render_page(request, "oversight/dashboard.html",
        {
            "region": region, "d": data, "chart": chart, "closings": closings[:100], "closings_count": len(closings),
            "adapters": adapters, "child_label": child_label, "villages": data["villages"][:50], "wider": wider,
            "narrower": narrower, "statuses": STATUSES, "show_children": level in ("city", "county"),
        },
    )
