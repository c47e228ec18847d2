"""A small hand-built county: the six Yuexi villages of the demo city and one Taihu village, each
with its books written out below as journals (2024 and 2025), posted through the ledger's batch
path. Every figure the tests expect is worked out by hand in the comments — to the fen.

    village            chart  2024 operating income      2025 operating income      class 2025
    V1 大歇村 100200    2004   449,999.98                 700,000.55 (PV 100,000.00)  strong, tier 50万
    V2        100201    2023   130,000.00 (PV 110,000)    120,000.10 (all PV)         pv_only
    V3        100202    2004   0 (subsidy only)           0 (subsidy, other income)   hollow
    V4 关河村 101200    2023   60,000.00                  100,000.00                  weak
    V5        101201    2004   200,000.00                 350,000.00                  general, tier 30万
    V6        101202    2023   600,000.00                 1,200,000.50                strong, tier 100万
    T1 (Taihu)100200    2023   — (book opened 2025)       200,000.00                  general
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from sanwu.decisions import services as decisions
from sanwu.ledger import services as ledger
from tests.conftest import api_client as api_for  # noqa: F401  (used by this app's tests)
from tests.decisions.conftest import advance
from tests.ledger.journal import parse

V1, V2, V3 = "340828100200", "340828100201", "340828100202"
V4, V5, V6 = "340828101200", "340828101201", "340828101202"
T1 = "340825100200"
YUEXI, TAIHU, CITY = "340828000000", "340825000000", "340800000000"
TOWN1, TOWN2 = "340828100000", "340828101000"

JOURNALS = {
    # V1, 2004 chart. 2024: oi = 399,999.98 + 50,000.00 = 449,999.98.
    # 2025: oi = 500,000.55 + 100,000.00 (PV) + 80,000.00 (承包金) + 20,000.00 (投资收益) = 700,000.55;
    #       operating return = 700,000.55 − 120,000.30 − 60,000.00 = 520,000.25;
    #       total income = 700,000.55 + 200,000.00 (subsidy) = 900,000.55.
    V1: ("2004", """
2024-03-10 出租厂房租金
  102    399999.98  -          bank
  501    -          399999.98  rent
2024-06-30 收到承包金
  102    50000.00   -          bank
  51101  -          50000.00   contracting
2025-02-15 销售茶叶
  102    500000.55  -          bank
  501    -          500000.55  sales
2025-05-20 光伏发电收入
  102    100000.00  -          bank
  501    -          100000.00  pv
2025-06-30 收到承包金
  102    80000.00   -          bank
  51101  -          80000.00   contracting
2025-07-15 收到合作社分红
  102    20000.00   -          bank
  561    -          20000.00   investment
2025-08-01 收到县财政补助
  102    200000.00  -          bank
  522    -          200000.00  subsidy
2025-09-10 支付茶叶加工成本
  502    120000.30  -
  102    -          120000.30  bank
2025-10-10 支付办公费
  541    60000.00   -
  102    -          60000.00   bank
"""),
    # V2, 2023 chart. 2024: oi = 110,000.00 (PV) + 20,000.00 = 130,000.00 (weak: not all PV).
    # 2025: oi = 120,000.10, all PV → pv_only; return = 120,000.10 − 10,000 − 3,000 − 20,000 = 87,000.10;
    #       total = 120,000.10 + 300,000.00 = 420,000.10.
    V2: ("2023", """
2024-04-01 光伏发电收入
  102    110000.00  -          bank
  501    -          110000.00  pv
2024-05-01 出租房屋
  102    20000.00   -          bank
  501    -          20000.00   rent
2025-04-01 光伏发电收入
  102    120000.10  -          bank
  501    -          120000.10  pv
2025-04-15 收到补助
  102    300000.00  -          bank
  503    -          300000.00  subsidy
2025-06-01 光伏运维费
  511    10000.00   -
  102    -          10000.00   bank
2025-06-02 缴纳税金及附加
  512    3000.00    -
  102    -          3000.00    bank
2025-06-03 支付管理费用
  513    20000.00   -
  102    -          20000.00   bank
"""),
    # V3, 2004 chart: no operating income in either year → hollow.
    # 2025: return = 0 − 8,000.00 = −8,000.00; total = 150,000.00 + 5,000.00 (other) = 155,000.00.
    V3: ("2004", """
2024-03-01 收到补助
  102    100000.00  -          bank
  522    -          100000.00  subsidy
2025-03-01 收到补助
  102    150000.00  -          bank
  522    -          150000.00  subsidy
2025-04-01 存款利息
  102    5000.00    -          bank
  531    -          5000.00    other
2025-05-01 支付办公费
  541    8000.00    -
  102    -          8000.00    bank
"""),
    # V4 关河村, 2023 chart. 2024: 60,000.00. 2025: 80,000.00 + 20,000.00 (投资收益) = 100,000.00 → weak.
    V4: ("2023", """
2024-05-05 出租鱼塘
  102    60000.00   -          bank
  501    -          60000.00   rent
2025-05-05 出租鱼塘
  102    80000.00   -          bank
  501    -          80000.00   rent
2025-11-20 收到投资分红
  102    20000.00   -          bank
  502    -          20000.00   investment
"""),
    # V5, 2004 chart. 2024: 200,000.00. 2025: 300,000.00 + 50,000.00 = 350,000.00 → general, tier 30万;
    # return = 350,000.00 − 100,000.00 = 250,000.00.
    V5: ("2004", """
2024-07-01 农机服务收入
  102    200000.00  -          bank
  501    -          200000.00  service
2025-07-01 农机服务收入
  102    300000.00  -          bank
  501    -          300000.00  service
2025-08-01 收到承包金
  102    50000.00   -          bank
  51101  -          50000.00   contracting
2025-09-01 支付农机油料
  502    100000.00  -
  102    -          100000.00  bank
"""),
    # V6, 2023 chart. 2024: 600,000.00. 2025: 1,200,000.50 → strong, tier 100万;
    # return = 1,200,000.50 − 400,000.00 = 800,000.50. 2024 is closed at year end (closing vouchers
    # never count).
    V6: ("2023", """
2024-08-08 销售农产品
  102    600000.00  -          bank
  501    -          600000.00  sales
2025-08-08 销售农产品
  102    1200000.50 -          bank
  501    -          1200000.50 sales
2025-09-09 支付采购成本
  511    400000.00  -
  102    -          400000.00  bank
"""),
    # T1 (Taihu), 2023 chart, opened 2025-01-01: 200,000.00 → general; no year before.
    T1: ("2023", """
2025-06-06 出租厂房
  102    200000.00  -          bank
  501    -          200000.00  rent
"""),
}

BOOK_CODES = {code: f"E{code[4:]}" for code in JOURNALS}


@dataclass
class Hand:
    demo: object
    books: dict


def build_books(demo) -> Hand:
    books = {}
    for village, (chart, text) in JOURNALS.items():
        start = dt.date(2025, 1, 1) if village == T1 else dt.date(2024, 1, 1)
        book = ledger.create_book(None, BOOK_CODES[village], village, chart, start_date=start)
        ledger.confirm_opening(None, book)
        ledger.post_drafts(None, book, parse(text))
        books[village] = book
    ledger.close_year(None, books[V6], 2024)
    ledger.close_year(None, books[V1], 2024)
    return Hand(demo, books)


@pytest.fixture
def hand(demo) -> Hand:
    return build_books(demo)


def decide(user=None, village=V1, year=2025, upto="resolution_published", purpose="cadre_reward", title=""):
    """The village's 四议两公开 matter on the year's cadre reward, recorded up to `upto` (the
    resolution published: a completed decision) by `user` — the village's secretary, or None
    (the system operator) for villages without one."""
    m = decisions.create_matter(
        user, village, title or f"{year}年度村干部集体经济发展奖励方案", "distribution", purpose=purpose, year=year,
        description="按经营性收入增量的20%奖励村干部",
    )
    return advance(user, m, upto)
