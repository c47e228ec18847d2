"""Each budget list's columns, once: the page, its Excel/CSV export and the CLI use these."""

from sanwu.core.tables import Column, Table

from .rules import KINDS, MEETING_TYPES, MONTHS, STATUS_LABELS
from .services import to_month


def budgets_table(budgets) -> Table:
    def rows():
        for b in budgets:
            yield {
                "id": b.pk, "village": b.book.region.name, "book": b.book.code, "year": b.year, "version": b.version,
                "status": STATUS_LABELS[b.status], "approved_on": b.approved_on, "meeting": "四议两公开事项" if b.matter_id else MEETING_TYPES.get(b.meeting_type, ""),
                "income": getattr(b, "income", None), "expense": getattr(b, "expense", None),
            }

    return Table(
        "年度财务预算",
        [
            Column("id", "编号"), Column("village", "村"), Column("book", "账套"), Column("year", "年度"), Column("version", "版本"),
            Column("status", "状态"), Column("approved_on", "批准日期"), Column("meeting", "批准方式"),
            Column("income", "收入预算", money=True), Column("expense", "支出预算", money=True),
        ],
        rows(),
    )


def comparison_table(data: dict, month: int) -> Table:
    """Budget against actual up to `month`, one row per line and a total per kind."""
    rows = []
    for kind, label in KINDS.items():
        mine = [ln for ln in data["lines"] if ln["kind"] == kind]
        for ln in mine:
            rows.append({"kind": label, "code": ln["code"], "name": ln["name"], "amount": ln["amount"], **to_month(ln, month)})
        if mine:
            rows.append({"kind": label, "code": "", "name": f"{label}合计", "amount": data["totals"][kind]["amount"], **to_month(data["totals"][kind], month)})
    return Table(
        f"{data['year']}年度预算执行（截至{month}月）",
        [
            Column("kind", "类别"), Column("code", "科目编码"), Column("name", "科目名称"), Column("amount", "年度预算", money=True),
            Column("budget_month", f"{month}月预算", money=True), Column("actual_month", f"{month}月实际", money=True),
            Column("budget_to", "累计预算", money=True), Column("actual_to", "累计实际", money=True),
            Column("diff_to", "实际减预算", money=True), Column("left", "年度尚余", money=True), Column("used", "执行率"),
        ],
        rows,
    )


def months_table(data: dict) -> Table:
    """Budget against actual month by month, for income and expense in all."""
    inc, exp = data["totals"]["income"], data["totals"]["expense"]
    rows = [
        {
            "month": f"{i + 1}月", "income_budget": inc["months"][i], "income_actual": inc["actual"][i],
            "expense_budget": exp["months"][i], "expense_actual": exp["actual"][i], "expense_diff": exp["actual"][i] - exp["months"][i],
        }
        for i in range(MONTHS)
    ]
    return Table(
        f"{data['year']}年度预算执行（分月）",
        [
            Column("month", "月份"), Column("income_budget", "收入预算", money=True), Column("income_actual", "收入实际", money=True),
            Column("expense_budget", "支出预算", money=True), Column("expense_actual", "支出实际", money=True),
            Column("expense_diff", "支出超（+）节（−）", money=True),
        ],
        rows,
    )


def lines_table(data: dict) -> Table:
    """The budget's lines with their twelve months (the draft's working sheet)."""
    rows = [
        {"kind": KINDS[ln["kind"]], "code": ln["code"], "name": ln["name"], "amount": ln["amount"], **{f"m{i + 1}": ln["months"][i] for i in range(MONTHS)}, "note": ln["note"]}
        for ln in data["lines"]
    ]
    return Table(
        f"{data['year']}年度财务预算（第{data['budget'].version}版）",
        [Column("kind", "类别"), Column("code", "科目编码"), Column("name", "科目名称"), Column("amount", "年度预算", money=True)]
        + [Column(f"m{i + 1}", f"{i + 1}月", money=True) for i in range(MONTHS)] + [Column("note", "说明")],
        rows,
    )


def history_table(events) -> Table:
    return Table(
        "预算记录",
        [Column("at", "时间"), Column("actor", "操作人"), Column("action", "操作"), Column("note", "说明")],
        [{"at": e.at, "actor": e.actor_label, "action": e.action_label, "note": e.note} for e in events],
    )
