"""Spending past the approved budget: shown on a voucher before it is posted (the ledger's
voucher notes), refused at posting where the county says so (the ledger's posting checks), and
told to the oversight rule `over_budget` once posted (the warning).

Only expense lines are checked, against the budget in force (the latest approved version) for
the voucher's year; the spending so far comes from the kept totals."""

from collections import defaultdict

from django.db.models import F, Sum

from sanwu.core.codes import county_of
from sanwu.core.errors import Problem
from sanwu.ledger.models import AccountMonth, Book, CountyLedgerSettings, Entry
from sanwu.ledger.services.reports import Chart

from .. import rules
from ..models import Budget, BudgetLine
from .actuals import leaf_lines
from .budgets import kind_of


def over_budget_mode(book: Book) -> str:
    """flag (the default: a warning) or refuse, by the book's county."""
    mode = CountyLedgerSettings.objects.filter(county_id=county_of(book.region_id)).values_list("over_budget", flat=True).first()
    return mode or "flag"


def _budgets(book: Book, years) -> dict[int, Budget]:
    rows = Budget.objects.filter(book=book, year__in=sorted(set(years)), status="approved").order_by("year", "version")
    return {b.year: b for b in rows}


def _spent(book: Book, year: int, to_line: dict[int, int], before_seq: int | None = None) -> dict[int, int]:
    """Net spending (debit − credit, closing vouchers left out) per line in the year: from the
    kept totals, or — `before_seq` — of the vouchers posted before that place in the chain."""
    out: dict[int, int] = defaultdict(int)
    if before_seq is None:
        rows = AccountMonth.objects.filter(book=book, year=year, account_id__in=list(to_line)).values_list(
            "account_id", "debit", "credit", "close_debit", "close_credit"
        )
        for acc, d, c, cd, cc in rows:
            out[to_line[acc]] += (d - cd) - (c - cc)
        return out
    rows = (
        Entry.objects.filter(voucher__book=book, voucher__year=year, voucher__status="posted", voucher__seq__lt=before_seq, account_id__in=list(to_line))
        .exclude(voucher__kind="closing").values("account_id").annotate(n=Sum(F("debit") - F("credit"))).values_list("account_id", "n")
    )
    for acc, n in rows:
        out[to_line[acc]] += int(n or 0)
    return out


def find_overruns(book: Book, vouchers, groups, *, posted: bool, budgets: dict | None = None) -> list[rules.Overrun]:
    """The overruns of `vouchers` (in posting order; `groups[i]` their entries). `posted`: the
    vouchers are in the kept totals already (the posting hook, a re-scan). `budgets`: the
    approved budgets by year when the caller has read them already."""
    pairs = [(v, es) for v, es in zip(vouchers, groups) if v.kind != "closing"]
    if not pairs:
        return []
    if budgets is None:
        budgets = _budgets(book, {v.year for v, _ in pairs})
    if not budgets:
        return []
    chart = Chart(book)
    out: list[rules.Overrun] = []
    for year, budget in budgets.items():
        lines = {
            acc: amount for acc, amount in BudgetLine.objects.filter(budget=budget).values_list("account_id", "amount")
            if acc in chart.by_id and kind_of(chart.by_id[acc]) == "expense"
        }
        if not lines:
            continue
        to_line = leaf_lines(chart, lines)
        mine = []
        for v, es in pairs:
            if v.year != year:
                continue
            adding: dict[int, int] = defaultdict(int)
            for e in es:
                line = to_line.get(e.account_id)
                if line is not None:
                    adding[line] += e.debit - e.credit
            if adding:
                mine.append((v, adding))
        if not mine:
            continue
        if not posted:
            before = _spent(book, year, to_line)
        elif max(v.seq or 0 for v, _ in mine) >= book.posted_count:  # the latest vouchers: the kept totals less theirs
            before = _spent(book, year, to_line)
            for v, adding in mine:
                for line, amount in adding.items():
                    before[line] -= amount
        else:  # a re-scan of earlier vouchers
            before = _spent(book, year, to_line, before_seq=min(v.seq for v, _ in mine))
        names = {acc: f"{chart.by_id[acc].code} {chart.by_id[acc].name}" for acc in lines}
        out += rules.overruns(lines, names, before, [(v.pk, v.label if v.number else "", adding) for v, adding in mine])
    return out


def posting_problems(book: Book, vouchers, groups, user) -> list[Problem]:
    """The ledger's posting check: where the county refuses over-budget spending, the problems
    that keep these vouchers from being posted (else none: the warning follows the posting)."""
    budgets = _budgets(book, {v.year for v in vouchers})
    if not budgets or over_budget_mode(book) != "refuse":
        return []
    found = find_overruns(book, vouchers, groups, posted=False, budgets=budgets)
    return [Problem(f"超出年度预算，不能记账：{o.message()}", field="debit") for o in found]


def voucher_notes(voucher, entries) -> list[str]:
    """The ledger's voucher notes: what posting this voucher would do to its year's budget
    (shown on the voucher before it is posted)."""
    if voucher.status == "posted" or voucher.pk is None:
        return []
    book = voucher.book
    found = find_overruns(book, [voucher], [entries], posted=False)
    if not found:
        return []
    then = "不能记账（本县规定超预算支出不予记账）" if over_budget_mode(book) == "refuse" else "记账后将产生超预算预警"
    return [f"超出年度预算：{o.message()}，{then}" for o in found]


def overruns_of_posted(book: Book, vouchers, entries=None) -> list[rules.Overrun]:
    """For the oversight rule: the overruns of vouchers just posted (or re-scanned), each with
    its voucher's label. `entries`: theirs in line order when the caller has them."""
    vouchers = [v for v in vouchers if v.status == "posted"]
    budgets = _budgets(book, {v.year for v in vouchers}) if vouchers else {}
    if not budgets:
        return []
    by_voucher: dict[int, list] = defaultdict(list)
    if entries is None:
        entries = Entry.objects.filter(voucher_id__in=[v.pk for v in vouchers]).order_by("voucher_id", "line").only("voucher_id", "account_id", "debit", "credit")
    for e in entries:
        by_voucher[e.voucher_id].append(e)
    vouchers = sorted(vouchers, key=lambda v: v.seq or 0)
    return find_overruns(book, vouchers, [by_voucher[v.pk] for v in vouchers], posted=True, budgets=budgets)
