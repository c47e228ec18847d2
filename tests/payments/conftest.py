"""Payments fixtures: a book of 大歇村 (the accountant's and the secretary's village) with money in
the bank, its payer account, a request, and a helper walking a request to a state."""

import datetime as dt

import pytest

from sanwu.payments import services
from sanwu.payments.services import RequestData

from ..decisions.conftest import advance, open_book  # noqa: F401
from ..ledger.journal import parse
from sanwu.ledger import services as ledger

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def village_of(user) -> str:
    return user.role_assignments.get().region_id


def data(**kw) -> RequestData:
    base = dict(payee_name="县路桥工程有限公司", payee_kind="organisation", payee_account="6228 4800 1234 5678 901", payee_bank="农商银行岳西支行",
                amount=800_000, purpose="村组道路维修款", account="513")
    base.update(kw)
    return RequestData(**base)


@pytest.fixture
def village(demo) -> str:
    return village_of(demo.accountant)


@pytest.fixture
def book(demo, village):
    b = open_book(village)
    ledger.post_drafts(None, b, parse("2025-01-03 收到上级补助资金\n  102  500000.00  -  bank\n  503  -  500000.00  subsidy\n"))
    services.set_payer_account(None, b, "102", "1234 5678 9012 3456", "农商银行岳西支行")
    return b


@pytest.fixture
def other_book(demo):
    b = open_book(village_of(demo.other_accountant))
    ledger.post_drafts(None, b, parse("2025-01-03 收到上级补助资金\n  102  500000.00  -  bank\n  503  -  500000.00  subsidy\n"))
    return b


def walk(demo, book, upto: str, **kw):
    """A request of `book` walked by the right people up to `upto` (draft … reviewed, paid)."""
    req = services.create_request(demo.accountant, book, data(**kw), receipts=[("发票.pdf", PDF)])
    order = ["draft", "submitted", "approved", "reviewed", "paid"]
    steps = {
        "submitted": lambda r: services.submit(demo.accountant, r),
        "approved": lambda r: services.approve(demo.secretary, r, "王监委"),
        "reviewed": lambda r: services.review(demo.township, r),
        "paid": lambda r: services.make_voucher(demo.accountant, r, date=dt.date(2025, 5, 6)),
    }
    for state in order[1: order.index(upto) + 1]:
        steps[state](req)
        req.refresh_from_db()
    return req
