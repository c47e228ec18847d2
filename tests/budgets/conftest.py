"""Fixtures for budgets: 大歇村's 2025 book (from the ledger's fixtures) with a draft budget —
management expenses (513) 12,000元, welfare (514) 6,000元, operating income (501) 50,000元 — and
the same budget approved by the members' representatives."""

import datetime as dt

import pytest

from sanwu.budgets import rules, services
from sanwu.ledger.models import Account
from tests.ledger.conftest import book, other_book, post_journal  # noqa: F401  (fixtures)

YEAR = 2025
MEETING = rules.Meeting("representatives", 30, 28, 25, 2, 1)


def account(b, code):
    return Account.objects.get(book=b, code=code)


@pytest.fixture
def draft(demo, book):  # noqa: F811  (the ledger's fixture)
    b = services.create_budget(demo.accountant, book, YEAR, "年初预算")
    services.set_line(demo.accountant, b, account(book, "513"), 1_200_000)
    services.set_line(demo.accountant, b, account(book, "514"), 600_000)
    services.set_line(demo.accountant, b, account(book, "501"), 5_000_000)
    return b


@pytest.fixture
def approved(demo, draft):
    return services.approve(demo.secretary, draft, approved_on=dt.date(2025, 1, 20), meeting=MEETING)
