"""The meeting and summary pages of the task ledger: 季例会 (the quarterly meeting's list of open
and overdue items, printable as PDF), by owner, 半年小结 and 年度汇总 (per owner, with Excel)."""

from django.shortcuts import render
from django.utils import timezone

from sanwu.core.pdf import pdf_response
from sanwu.core.tables import Column, Table, download
from sanwu.core.web import export_format, role_required

from . import services
from .models import PARTY_ROLES
from .views import _int, tabs_context

PARTY = tuple(PARTY_ROLES)

ROLLUP_COLUMNS = [
    Column("owner", "责任单位/责任人", width=28), Column("region", "区划", width=14), Column("tasks", "任务数"),
    Column("closed", "已销号"), Column("verified", "已核验待销号"), Column("on_time", "按期完成"), Column("awaiting", "待核验"),
    Column("overdue", "逾期未完成"), Column("in_progress", "正在办理"), Column("returns", "退回次数"), Column("rate", "完成率"),
    Column("on_time_rate", "按期完成率"),
]


def rollup_table(title: str, rows) -> Table:
    return Table(
        title, ROLLUP_COLUMNS,
        [{**{c.key: getattr(r, c.key) for c in ROLLUP_COLUMNS}} for r in rows],
    )


PERIODS = {
    "owner": ("按责任单位", "tasks_by_owner"),
    "half": ("半年小结", "tasks_half_year"),
    "annual": ("年度汇总", "tasks_annual"),
}


def _rollup_page(request, kind: str):
    on = services.today()
    year = _int(request.GET.get("year"), on.year, 2000, 2100)
    if kind == "half":
        half = _int(request.GET.get("half"), 1 if on.month <= 6 else 2, 1, 2)
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


def _agenda_table(agenda) -> Table:
    rows = []
    for key, label, tasks in agenda["sections"]:
        for t in tasks:
            rows.append({
                "section": label, "title": t.title, "region": t.region.name, "owner": t.owner_label, "deadline": t.deadline,
                "status": t.get_status_display(), "days_late": t.days_late or "", "source": t.get_source_kind_display(),
                "source_ref": t.source_ref, "returns": t.return_count,
            })
    return Table(
        f"{agenda['year']}年第{agenda['quarter']}季度例会",
        [Column("section", "类别", width=18), Column("title", "任务", width=36), Column("region", "区划"), Column("owner", "责任单位", width=24),
         Column("deadline", "完成时限", width=12), Column("status", "状态"), Column("days_late", "逾期天数"), Column("source", "来源"),
         Column("source_ref", "来源文号", width=20), Column("returns", "退回次数")],
        rows,
    )


@role_required(*PARTY)
def tasks_quarterly(request):
    """季例会: open and overdue items, one click to print."""
    on = services.today()
    year = _int(request.GET.get("year"), on.year, 2000, 2100)
    quarter = _int(request.GET.get("quarter"), (on.month - 1) // 3 + 1, 1, 4)
    agenda = services.quarterly_agenda(request.user, year, quarter, on)
    title = f"{year}年第{quarter}季度党建工作例会"
    fmt = request.GET.get("format")
    if fmt == "pdf":
        return pdf_response("partywork/pdf/quarterly.html", {"agenda": agenda, "title": title, "printed": timezone.localtime()}, title)
    fmt = export_format(request)
    if fmt:
        return download(_agenda_table(agenda), title, fmt)
    return render(
        request, "partywork/quarterly.html",
        {**tabs_context(request, "quarterly"), "agenda": agenda, "title": title, "year": year, "quarter": quarter,
         "years": range(on.year - 3, on.year + 2)},
    )
