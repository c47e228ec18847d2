"""The budget-to-actual table of a financial disclosure (the disclosure app's section hook):
the budget approved by the end of the period (so that the figures a disclosure froze can be
recomputed whatever versions come later), each line's year, budget and actual to the period's
end, and the period's own actual. Plain JSON, money in fen; frozen with the disclosure."""

from sanwu.disclosure.services.snapshot import period_dates

from ..rules import KINDS, MEETING_TYPES
from .actuals import budget_vs_actual, to_month
from .budgets import current_budget


def disclosure_section(book, year: int, month_from: int, month_to: int) -> dict | None:
    _, end = period_dates(year, month_from, month_to)
    budget = current_budget(book, year, as_of=end)
    if budget is None:
        return None
    data = budget_vs_actual(budget)

    def row(line, label):
        m = to_month(line, month_to)
        period = sum(line["actual"][month_from - 1 : month_to])
        return {"label": label, "amount": line["amount"], "budget_to": m["budget_to"], "actual_to": m["actual_to"], "actual_period": period, "left": m["left"], "used": m["used"]}

    lines = []
    for kind in KINDS:
        mine = [ln for ln in data["lines"] if ln["kind"] == kind]
        if not mine:
            continue
        lines += [{"kind": kind, "code": ln["code"], **row(ln, ln["name"])} for ln in mine]
        lines.append({"kind": kind, "code": "", "total": True, **row(data["totals"][kind], f"{KINDS[kind]}合计")})
    how = "四议两公开事项决议" if budget.matter_id else MEETING_TYPES.get(budget.meeting_type, "")
    return {
        "year": year, "version": budget.version, "approved_on": budget.approved_on.isoformat(), "approved_by": how,
        "month_to": month_to, "lines": lines,
    }


def disclosure_figures(section: dict) -> list:
    """What must stay equal to the books and the approved budget: every amount of every line."""
    return [
        (ln["kind"], ln["code"], ln["amount"], ln["budget_to"], ln["actual_to"], ln["actual_period"])
        for ln in section.get("lines", [])
    ]
