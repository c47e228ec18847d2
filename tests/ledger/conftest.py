import datetime as dt

import pytest

from sanwu.ledger import services
from sanwu.ledger.models import Book

from .journal import parse


# Cash on hand in the shared books' opening balances: enough that no test's cash payment meets
# the cash rule (cash never below zero) unless the test means it to.
OPENING_CASH = 10_000_000 * 100


def _opening_cash(user, b: Book) -> None:
    services.set_opening_balances(user, b, {"101": OPENING_CASH, "301": -OPENING_CASH})
    services.confirm_opening(user, b)


@pytest.fixture
def book(demo) -> Book:
    """A 2023-chart book for the accountant's village (大歇村), opened 2025-01-01, its only opening
    balance the cash on hand (`OPENING_CASH`, against 资本)."""
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, village, village, "2023", start_date=dt.date(2025, 1, 1))
    _opening_cash(demo.accountant, b)
    return b


@pytest.fixture
def other_book(demo) -> Book:
    village = demo.other_accountant.role_assignments.get().region_id
    b = services.create_book(None, village, village, "2023", start_date=dt.date(2025, 1, 1))
    _opening_cash(None, b)
    return b


def post_journal(user, book, text):
    return services.post_drafts(user, book, parse(text))


def opened_book(demo, start: dt.date, journal: str = "") -> Book:
    """A 2023-chart book for the accountant's village opened on `start` with cash only (against
    资本), then `journal` posted by the accountant."""
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, village, village, "2023", start_date=start)
    _opening_cash(demo.accountant, b)
    if journal:
        post_journal(demo.accountant, b, journal)
    return b
