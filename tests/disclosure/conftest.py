"""Fixtures for openness: the ledger's books (大歇村 and 关河村, opened 2025-01-01), a March of
business written as a journal, a disclosure at each step, and an API client by token."""

import json

import pytest

from sanwu.disclosure import services
from tests.conftest import api_client as api_for  # noqa: F401  (used by this app's tests)
from tests.conftest import finance_reviewed
from tests.ledger.conftest import book, other_book, post_journal  # noqa: F401  (fixtures)

# March 2025 in 大歇村: PV income from a company, rent from a villager (a person: masked on the
# public page, phone and ID number dropped), a subsidy, a cash payment to a person, a transfer.
MARCH = """
2025-03-05 收到光伏发电收入
  102   12000.50  -          bank
  501   -          12000.50  pv  国网岳西县供电公司
2025-03-08 收到王德明交来门面租金，电话13912345678
  101   3000.00   -          cash
  501   -          3000.00   rent  王德明13912345678
2025-03-12 收到村级服务群众专项经费
  102   50000.00  -          bank
  503   -          50000.00  subsidy  主簿镇财政所
2025-03-20 支付李秀英保洁劳务费，身份证340828195001011234
  513   800.00    -
  101   -          800.00    cash  李秀英
2025-03-25 从银行提取备用金
  101   2000.00   -
  102   -          2000.00
"""
APRIL = """
2025-04-02 收到4月光伏发电收入
  102   9000.00   -          bank
  501   -          9000.00   pv  国网岳西县供电公司
"""


@pytest.fixture
def march(demo, book):
    """大歇村's March 2025 posted (and April's first voucher, after the period)."""
    return post_journal(demo.accountant, book, MARCH + APRIL)


@pytest.fixture
def prepared(demo, book, march):
    return services.prepare(demo.accountant, book, 2025, 3)


@pytest.fixture
def confirmed(demo, prepared):
    return services.confirm(demo.secretary, prepared)


@pytest.fixture
def published(demo, book, confirmed):
    finance_reviewed(book, 2025, 3)
    return services.publish(demo.secretary, confirmed)


def body(resp):
    """The JSON of a response, checking it carries real Chinese (no \\u escapes)."""
    text = resp.content.decode()
    assert "\\u" not in text, text
    return json.loads(text)
