"""Reports from the kept totals (AccountMonth): O(accounts × months), never O(postings)."""

from collections import defaultdict

from django.db.models import Q

from .charts import CATEGORIES
from .models import Account, AccountMonth, Book, OpeningBalance


def _upto(year: int, month: int) -> Q:
    return Q(year__lt=year) | Q(year=year, month__lte=month)


def balances(book: Book, start: tuple[int, int], end: tuple[int, int]) -> dict[int, list[int]]:
    """Leaf account id → [opening, debit, credit, closing] over the months start..end
    (inclusive), debit-positive balances."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for acc_id, bal in OpeningBalance.objects.filter(book=book).values_list("account_id", "balance"):
        out[acc_id][0] += bal
    rows = AccountMonth.objects.filter(book=book).filter(_upto(*end)).values_list("account_id", "year", "month", "debit", "credit")
    for acc_id, y, m, d, c in rows:
        t = out[acc_id]
        if (y, m) < start:
            t[0] += d - c
        else:
            t[1] += d
            t[2] += c
    for t in out.values():
        t[3] = t[0] + t[1] - t[2]
    return dict(out)


def balances_for(book: Book, year: int, month: int) -> dict[int, list[int]]:
    """Year to date: from January of `year` to `month`."""
    return balances(book, (year, 1), (year, month))


def _split(balance: int) -> tuple[int, int]:
    """A debit-positive balance as (debit, credit) columns."""
    return (balance, 0) if balance >= 0 else (0, -balance)


def trial_balance(book: Book, year: int, month_from: int, month_to: int) -> dict:
    """科目余额表: every account (parents summed from their leaves) with opening, period and closing
    amounts; totals; and whether debits equal credits on each pair of columns."""
    bal = balances(book, (year, month_from), (year, month_to))
    accounts = list(Account.objects.filter(book=book).order_by("code"))
    by_id = {a.pk: a for a in accounts}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for acc_id, t in bal.items():
        node = by_id.get(acc_id)
        while node is not None:
            s = sums[node.pk]
            for i in range(4):
                s[i] += t[i]
            node = by_id.get(node.parent_id)
    rows = []
    totals = [0] * 6
    for a in accounts:
        s = sums.get(a.pk)
        if not s or not any(s):
            continue
        od, oc = _split(s[0])
        cd, cc = _split(s[3])
        row = {
            "code": a.code, "name": a.name, "category": CATEGORIES[a.category], "level": a.code.__len__() // 2,
            "is_leaf": a.is_leaf, "opening_debit": od, "opening_credit": oc, "debit": s[1], "credit": s[2],
            "closing_debit": cd, "closing_credit": cc,
        }
        rows.append(row)
        if a.parent_id is None:
            for i, k in enumerate(("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")):
                totals[i] += row[k]
    keys = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")
    return {
        "book": book, "year": year, "month_from": month_from, "month_to": month_to, "rows": rows,
        "totals": dict(zip(keys, totals)),
        "balanced": totals[0] == totals[1] and totals[2] == totals[3] and totals[4] == totals[5],
    }


def trial_balance_table(tb: dict):
    """The trial balance as a Table (Excel, CSV, JSON; the CLI and the web share it)."""
    from sanwu.core.tables import Column, Table

    cols = [
        Column("code", "科目编码"), Column("name", "科目名称", width=24),
        Column("opening_debit", "期初借方", money=True), Column("opening_credit", "期初贷方", money=True),
        Column("debit", "本期借方", money=True), Column("credit", "本期贷方", money=True),
        Column("closing_debit", "期末借方", money=True), Column("closing_credit", "期末贷方", money=True),
    ]
    rows = [dict(r) for r in tb["rows"]]
    rows.append({"code": "", "name": "合计", **tb["totals"]})
    period = f"{tb['year']}年{tb['month_from']}月" + (f"至{tb['month_to']}月" if tb["month_to"] != tb["month_from"] else "")
    return Table(f"科目余额表 {period}", cols, rows)
