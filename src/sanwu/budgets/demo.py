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

from sanwu.core.dates import today
from sanwu.ledger.charts import EXPENSE_ROLES, INCOME_ROLES
from sanwu.ledger.models import AccountMonth, Book, Voucher
from sanwu.oversight import rules as oversight_rules
from sanwu.oversight.services.posting import store
from sanwu.oversight.services.sources import budget_overruns

from . import rules, services
from .models import Budget

ALL_BOOKS = 200  # beyond this many books only Yuexi's villages have budgets (keeps `sanwu demo` quick)
YUEXI = "340828"
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


def _round(fen: int) -> int:
    return max(0, (fen + 50_000) // 100_000 * 100_000)  # whole thousands of yuan


def load_demo(seed: int = 2021) -> dict:
    year = today().year
    books = list(Book.objects.filter(posted_count__gt=0, start_date__year__lte=year).select_related("region").order_by("code"))
    if len(books) > ALL_BOOKS:
        books = [b for b in books if b.region_id.startswith(YUEXI)]
    have = set(Budget.objects.filter(year=year).values_list("book_id", flat=True))
    made = over = warned = 0
    approved_on = min(dt.date(year, 1, 20), today())
    for i, book in enumerate(books):
        if book.pk in have:
            continue
        rng = random.Random(f"{seed}:budget:{book.code}:{year}")
        accounts = [a for a in book.accounts.all() if a.role_set & (INCOME_ROLES | EXPENSE_ROLES)]
        tops = [a for a in accounts if a.parent_id is None]
        last = _flows(book, year - 1, accounts)
        now = _flows(book, year, accounts)
        overspends = (i + 4) % OVER_EVERY == 0  # the 4th, 11th, … village
        with transaction.atomic():
            b = services.create_budget(None, book, year, "年初编制，经成员代表大会审议通过")
            lines = 0
            for a in tops:
                base = last.get(a.pk, 0) or now.get(a.pk, 0) * 12 // max(1, today().month if year == today().year else 12)
                if base <= 0:
                    continue
                amount = _round(base * rng.randint(102, 112) // 100)
                if overspends and a.role_set & {"management_expense"} and now.get(a.pk, 0) > 0:
                    amount = _round(now[a.pk] * 85 // 100)
                    over += 1
                if amount:
                    services.set_line(None, b, a, amount)
                    lines += 1
            if not lines:
                transaction.set_rollback(True)
                continue
            entitled = rng.randint(28, 45)
            present = entitled - rng.randint(0, 3)
            meeting = rules.Meeting("representatives", entitled, present, present - rng.randint(0, 1), 0, 0)
            services.approve(None, b, approved_on=approved_on, meeting=meeting)
            made += 1
        if overspends:
            vouchers = list(Voucher.objects.filter(book=book, year=year, status="posted").order_by("seq"))
            warned += store(
                oversight_rules.over_budget(budget_overruns(book, vouchers)), raised_at={v.id: v.posted_at for v in vouchers if v.posted_at}
            )
    return {"budgets": made, "over": over, "warnings": warned}
