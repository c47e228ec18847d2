"""Fixtures for asset registers: 大歇村's 2023-chart book from the ledger's fixtures (opened
2025-01-01, cash only), a machine bought for cash on 15 January 2025 (12,000元: 120 months, 5%
residual, 95元 a month), and its card."""

import datetime as dt

import pytest

from sanwu.assets import services
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Voucher
from tests.ledger.conftest import book, other_book, post_journal  # noqa: F401  (fixtures)

__all__ = ["book", "other_book", "post_journal"]

BUY = """
2025-01-15 购置粮食烘干机
  151   12000.00   -
  101   -          12000.00   cash
"""


def machine(voucher_id=None, **kw) -> services.CardData:
    values = dict(number="JQ-001", name="粮食烘干机", category="fixed_asset", kind="machinery", cost=1_200_000,
                  acquired=dt.date(2025, 1, 15), life_months=120, residual_bp=500, origin="purchase", voucher_id=voucher_id,
                  location="村部仓库", custodian="王建国")
    values.update(kw)
    return services.CardData(**values)


@pytest.fixture
def bought(demo, book):  # noqa: F811
    (v,) = post_journal(demo.accountant, book, BUY)
    return v


@pytest.fixture
def card(demo, book, bought):  # noqa: F811
    return services.add_card(demo.accountant, book, machine(bought.pk))


def post_run(demo, run) -> Voucher:
    """The township reviews the run's voucher and the accountant posts it."""
    v = ledger.review(demo.township, run.voucher)
    return ledger.post(demo.accountant, v)
