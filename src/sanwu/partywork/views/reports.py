"""The meeting and summary pages of the task ledger: 季例会 (the quarterly meeting's list of open
and overdue items, printable as PDF), by owner, 半年小结 and 年度汇总 (per owner, with Excel)."""

from django.shortcuts import render
from django.utils import timezone

from sanwu.core.pdf import pdf_response
from sanwu.core.tables import download
from sanwu.core.web import export_format, role_required

from .. import services
from ..tables import agenda_table, rollup_table
from .common import PARTY, int_param, tabs_context

PERIODS = {
    "owner": ("按责任单位", "tasks_by_owner"),
    "half": ("半年小结", "tasks_half_year"),
    "annual": ("年度汇总", "tasks_annual"),
}


def _rollup_page(request, kind: str):
    on = services.today()
    year = int_param(request.GET.get("year"), on.year, 2000, 2100)
    if kind == "half":
        half = int_param(request.GET.get("half"), 1 if on.month <= 6 else 2, 1, 2)
        start, end = services.half_bounds(year, half)
        period = f"{year}年{'上' if half == 1 else '下'}半年"
    else:
        half = None
        start, end = services.half_bounds(year, 1)[0], services.half_bounds(year, 2)[1]
        period = f"{year}年"
    rows = services.rollup(request.user, start, end, on)
    title = f"{PERIODS[kind][0]}（{period}）"
    fmt = export_format(request)
    if fmt:
        return download(rollup_table(title, rows), f"重点工作-{PERIODS[kind][0]}-{period}", fmt)
    totals = services.RollupRow(key=("total",), owner="合计", region="")
    for r in rows:
        for f in ("tasks", "closed", "verified", "on_time", "awaiting", "overdue", "in_progress", "returns"):
            setattr(totals, f, getattr(totals, f) + getattr(r, f))
    for r in rows:
        kind_, ident = r.key
        r.filter = f"{kind_}:{ident}"
    return render(
        request, "partywork/rollup.html",
        {
            **tabs_context(request, kind), "kind": kind, "label": PERIODS[kind][0], "period": period, "rows": rows, "totals": totals,
            "year": year, "half": half, "start": start, "end": end, "years": range(on.year - 3, on.year + 2),
        },
    )


@role_required(*PARTY)
def tasks_by_owner(request):
    return _rollup_page(request, "owner")


@role_required(*PARTY)
def tasks_half_year(request):
    return _rollup_page(request, "half")


@role_required(*PARTY)
def tasks_annual(request):
    return _rollup_page(request, "annual")


@role_required(*PARTY)
def tasks_quarterly(request):
    """季例会: open and overdue items, one click to print."""
    on = services.today()
    year = int_param(request.GET.get("year"), on.year, 2000, 2100)
    quarter = int_param(request.GET.get("quarter"), (on.month - 1) // 3 + 1, 1, 4)
    agenda = services.quarterly_agenda(request.user, year, quarter, on)
    title = f"{year}年第{quarter}季度党建工作例会"
    fmt = request.GET.get("format")
    if fmt == "pdf":
        return pdf_response("partywork/pdf/quarterly.html", {"agenda": agenda, "title": title, "printed": timezone.localtime()}, title)
    fmt = export_format(request)
    if fmt:
        return download(agenda_table(agenda), title, fmt)
    return render(
        request, "partywork/quarterly.html",
        {**tabs_context(request, "quarterly"), "agenda": agenda, "title": title, "year": year, "quarter": quarter,
         "years": range(on.year - 3, on.year + 2)},
    )
