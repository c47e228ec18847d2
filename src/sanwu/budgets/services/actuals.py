"""Budget against actual, from the ledger's kept totals (`AccountMonth`, closing vouchers left
out): O(accounts × months), whatever the number of vouchers. Income lines count credits,
expense lines debits; a line on a parent account counts its detail accounts."""

from collections import defaultdict

from sanwu.ledger.models import AccountMonth, Book
from sanwu.ledger.services.reports import Chart

from ..models import Budget
from ..rules import MONTHS
from .budgets import kind_of


def leaf_lines(chart: Chart, line_accounts) -> dict[int, int]:
    """Leaf account id → the budget line's account id it counts towards."""
    wanted = set(line_accounts)
    out = {}
    for leaf in chart.leaves():
        for node in chart.lineage(leaf.pk):
            if node.pk in wanted:
                out[leaf.pk] = node.pk
                break
    return out


def monthly_actuals(book: Book, year: int, chart: Chart, lines: dict[int, str]) -> dict[int, list[int]]:
    """Line account id → its twelve months' actual (income credit-positive, expense
    debit-positive). `lines`: line account id → kind."""
    to_line = leaf_lines(chart, lines)
    out: dict[int, list[int]] = defaultdict(lambda: [0] * MONTHS)
    rows = AccountMonth.objects.filter(book=book, year=year, account_id__in=list(to_line)).values_list(
        "account_id", "month", "debit", "credit", "close_debit", "close_credit"
    )
    for acc, month, d, c, cd, cc in rows:
        line = to_line[acc]
        net = (d - cd) - (c - cc)
        out[line][month - 1] += -net if lines[line] == "income" else net
    return out


def budget_vs_actual(budget: Budget) -> dict:
    """Every line with its twelve months of budget and actual, and the totals by kind."""
    book = budget.book
    chart = Chart(book)
    lines = list(budget.lines.all())
    kinds = {ln.account_id: kind_of(chart.by_id[ln.account_id]) for ln in lines}
    actual = monthly_actuals(book, budget.year, chart, kinds)
    out_lines = []
    for ln in sorted(lines, key=lambda x: (kinds[x.account_id] != "income", chart.by_id[x.account_id].code)):
        acc = chart.by_id[ln.account_id]
        out_lines.append({
            "account_id": acc.pk, "code": acc.code, "name": acc.name, "kind": kinds[acc.pk], "amount": ln.amount,
            "months": list(ln.months), "actual": list(actual[acc.pk]), "note": ln.note,
        })
    totals = {}
    for kind in ("income", "expense"):
        mine = [x for x in out_lines if x["kind"] == kind]
        totals[kind] = {
            "amount": sum(x["amount"] for x in mine),
            "months": [sum(x["months"][i] for x in mine) for i in range(MONTHS)],
            "actual": [sum(x["actual"][i] for x in mine) for i in range(MONTHS)],
        }
    return {"budget": budget, "year": budget.year, "lines": out_lines, "totals": totals}


def to_month(line: dict, month: int) -> dict:
    """A line (or a kind's totals) up to and in `month`: budget and actual, the difference and
    how much of the year's budget is used."""
    budget_to = sum(line["months"][:month])
    actual_to = sum(line["actual"][:month])
    amount = line["amount"]
    return {
        "budget_month": line["months"][month - 1], "actual_month": line["actual"][month - 1],
        "budget_to": budget_to, "actual_to": actual_to, "diff_to": actual_to - budget_to,
        "left": amount - actual_to, "used": f"{actual_to * 100 / amount:.1f}%" if amount else "",
    }
