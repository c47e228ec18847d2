"""The collective-economy increment across a change of chart: a village whose 2004 book moved to
the 2023 chart at the end of 2025 compares the new book's 2026 with the old book's 2025, each
year's operating return by its own book's chart; and a village outside the user's scope is not
shown."""

import datetime as dt

from sanwu.economy import services
from sanwu.ledger import services as ledger
from sanwu.regions.models import Region
from tests.ledger.journal import parse

OLD = """
2024-03-10 出租厂房租金
  102    100000.00  -          bank
  501    -          100000.00  rent
2025-03-10 出租厂房租金
  102    150000.00  -          bank
  501    -          150000.00  rent
2025-06-30 收到承包金
  102    20000.00   -          bank
  51101  -          20000.00   contracting
2025-09-10 支付管理费用
  541    5000.00    -
  102    -          5000.00    bank
"""

# The old book used 501 and 51101 承包金: in the new book 经营收入 has the sub-accounts 50101 承包金
# and 50102 经营收入 (each account in use keeps one of its name).
NEW = """
2026-03-10 出租厂房租金
  102    200000.00  -          bank
  50102  -          200000.00  rent
2026-07-15 收到合作社分红
  102    10000.00   -          bank
  502    -          10000.00   investment
2026-09-10 缴纳税金及附加
  512    1000.00    -
  102    -          1000.00    bank
"""

YUAN = 100


def _post(book, text, years):
    for y in years:
        ledger.post_drafts(None, book, [d for d in parse(text) if d.date.year == y])


def test_the_increment_compares_the_new_books_year_with_the_old_books_year_before(demo):
    village = demo.accountant.role_assignments.get().region_id
    old = ledger.create_book(None, "OLD" + village, village, "2004", start_date=dt.date(2024, 1, 1))
    ledger.set_opening_balances(None, old, {"102": 1_000_000, "301": -1_000_000})
    ledger.confirm_opening(None, old)
    _post(old, OLD, [2024])
    ledger.close_year(None, old, 2024)
    _post(old, OLD, [2025])
    ledger.close_year(None, old, 2025)
    ledger.close_months(demo.accountant, old, (2024, 1), (2025, 12))
    ledger.confirm_close(demo.township, old, 2025, 12)
    move = ledger.migrate_chart(demo.accountant, old, "2023", "NEW" + village)
    new = move.new_book
    assert move.account_map["51101"] == "50101" and move.account_map["501"] == "50102"
    _post(new, NEW, [2026])

    region = Region.objects.get(code=village)
    v = services.village_year(demo.township, region, 2026)
    assert v.now.operating_income == 210_000 * YUAN  # 经营收入 200,000 + 投资收益 10,000 (new book)
    assert v.now.operating_return == 209_000 * YUAN  # 2023: less 税金及附加 1,000
    assert v.prev.operating_income == 170_000 * YUAN  # 2025 in the old book: 150,000 + 承包金 20,000
    assert v.prev.operating_return == 165_000 * YUAN  # 2004: less 管理费用 5,000
    assert v.operating_income_change == 40_000 * YUAN
    assert v.cadre_reward == 8_000 * YUAN  # 20% of the increase
    assert set(v.books) == {old.code, new.code}
    before = services.village_year(demo.township, region, 2025)
    assert before.now.operating_income == 170_000 * YUAN and before.prev.operating_income == 100_000 * YUAN
    assert before.books == [old.code]
    # the outsider: another township's supervisor sees no figures for the village
    assert services.village_year(demo.other_township, region, 2026) is None
