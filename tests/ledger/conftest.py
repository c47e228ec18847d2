import datetime as dt

import pytest

from sanwu.ledger import services
from sanwu.ledger.models import Book

from .journal import parse


@pytest.fixture
def book(demo) -> Book:
    """A 2023-chart book for the accountant's village (大歇村), opened 2025-01-01, no opening balances."""
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(demo.county, village, village, "2023", start_date=dt.date(2025, 1, 1))
    services.confirm_opening(demo.accountant, b)
    return b


@pytest.fixture
def other_book(demo) -> Book:
    village = demo.other_accountant.role_assignments.get().region_id
    b = services.create_book(None, village, village, "2023", start_date=dt.date(2025, 1, 1))
    services.confirm_opening(None, b)
    return b


def post_journal(user, book, text):
    return services.post_drafts(user, book, parse(text))
