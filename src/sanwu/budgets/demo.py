"""Budgets for the demo city: every village with a book (Yuexi's only, at the larger scales) has
an approved budget for this year, approved by its members' representatives in January, its lines
last year's income and expenses grown a little; a few villages spend past a line (management
expenses), so that their vouchers carry the over-budget warning.

`load_demo(seed)` runs after the books and before the disclosures (whose current-year periods
then show the budget table) and the warnings. Deterministic for a seed and a day; idempotent."""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction

from sanwu.core.codes import township_of
from sanwu.core.dates import today
from sanwu.ledger.charts import EXPENSE_ROLES, INCOME_ROLES
from sanwu.ledger.models import AccountMonth, Book, Voucher
from sanwu.oversight import rules as oversight_rules
from sanwu.oversight.services.posting import store
from sanwu.oversight.services.sources import budget_overruns

from . import rules, services
from .models import Budget

# Beyond this many books (the county scale has 194, the city 1,332) the personas' townships have
# a budget in every village and the other townships in their first village, to keep `sanwu demo`
# quick.
ALL_BOOKS = 40
PERSONA_TOWNSHIPS = ("340828100000", "340828101000")
OVER_EVERY = 7  # one village in seven overspends its management expenses


def _flows(book: Book, year: int, accounts) -> dict[int, int]:
    """Top-level account id → the year's flow (income credit-positive, expense debit-positive)."""
    top_of = {}
    by_id = {a.pk: a for a in accounts}
    for a in by_id.values():
        node = a
        while node.parent_id and node.parent_id in by_id:
            node = by_id[node.parent_id]
        top_of[a.pk] = node.pk
    out: dict[int, int] = defaultdict(int)
    rows = AccountMonth.objects.filter(book=book, year=year).values_list("account_id", "debit", "credit", "close_debit", "close_credit")
    for acc, d, c, cd, cc in rows:
        top = top_of.get(acc)
        if top is None:
            continue
        net = (d - cd) - (c - cc)
        out[top] += -net if by_id[top].role_set & INCOME_ROLES else net
    return out


def kept_books(books: list[Book]) -> list[Book]:
    """The books the demo's parts fill beyond `ALL_BOOKS`: every book of the personas' townships and
    the first of every other township (all of them when there are fewer)."""
    if len(books) <= ALL_BOOKS:
        return books
    seen: set[str] = set()
    kept = []
    for b in books:
        township = township_of(b.region_id)
        if township in PERSONA_TOWNSHIPS or township not in seen:
            kept.append(b)
        seen.add(township)
    return kept


def _round(fen: int) -> int:
    return max(0, (fen + 50_000) // 100_000 * 100_000)  # whole thousands of yuan


def load_demo(seed: int = 2021) -> dict:
    year = today().year
    books = kept_books(list(Book.objects.filter(posted_count__gt=0, start_date__year__lte=year).select_related("region").order_by("code")))
    have = set(Budget.objects.filter(year=year).values_list("book_id", flat=True))
    approved_on = min(dt.date(year, 1, 20), today())
    made = over = warned = 0
    with transaction.atomic():  # one commit for the lot
        for i, book in enumerate(books):
            if book.pk in have:
                continue
            overspends = (i + 4) % OVER_EVERY == 0  # the 4th, 11th, … village
            lines = _lines(book, year, random.Random(f"{seed}:budget:{book.code}:{year}"), overspends)
            if not lines:
                continue
            rng = random.Random(f"{seed}:meeting:{book.code}:{year}")
            b = services.create_budget(None, book, year, "年初编制，经成员代表大会审议通过")
            services.set_lines(None, b, lines)
            entitled = rng.randint(28, 45)
            present = entitled - rng.randint(0, 3)
            services.approve(None, b, approved_on=approved_on, meeting=rules.Meeting("representatives", entitled, present, present - rng.randint(0, 1)))
            made += 1
            if overspends:
                vouchers = list(Voucher.objects.filter(book=book, year=year, status="posted").order_by("seq"))
                found = oversight_rules.over_budget(budget_overruns(book, vouchers))
                over += bool(found)
                warned += store(found, raised_at={v.id: v.posted_at for v in vouchers if v.posted_at})
    return {"budgets": made, "over": over, "warnings": warned}


def _lines(book: Book, year: int, rng: random.Random, overspends: bool) -> list[tuple]:
    """The budget's lines: each top-level income and expense account with a flow last year (or
    this year's so far, for the year), grown 2–12 %; an overspending village's management
    expenses at 85 % of what it has spent already."""
    accounts = [a for a in book.accounts.all() if a.role_set & (INCOME_ROLES | EXPENSE_ROLES)]
    last, now = _flows(book, year - 1, accounts), _flows(book, year, accounts)
    months = today().month if year == today().year else 12
    lines = []
    for a in accounts:
        if a.parent_id is not None:
            continue
        base = last.get(a.pk, 0) or now.get(a.pk, 0) * 12 // months
        amount = _round(base * rng.randint(102, 112) // 100) if base > 0 else 0
        if overspends and "management_expense" in a.role_set and now.get(a.pk, 0) > 0:
            amount = _round(now[a.pk] * 85 // 100)
        if amount:
            lines.append((a, amount, None, ""))
    return lines
