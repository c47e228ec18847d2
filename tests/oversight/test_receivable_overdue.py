"""The daily rule `receivable_overdue`: a receivable whose oldest unpaid part (FIFO) is older than
the county's `receivable_age_years` (default 3) warns once per book and counterparty."""

import datetime as dt

import pytest

from sanwu.core.errors import Invalid, Refused
from sanwu.ledger import services as ledger
from sanwu.oversight import rules, services
from sanwu.oversight.models import Warning
from tests.ledger.conftest import opened_book

from .conftest import post_journal

COUNTY = "340828000000"


@pytest.fixture
def old_book(demo):
    return opened_book(demo, dt.date(2022, 1, 1), """
2022-03-10 赊销给张三
  112    5000.00   -         张三
  501    -         5000.00
2022-03-10 赊销给惠民农资公司
  112    900.00    -         惠民农资公司
  501    -         900.00
2023-02-01 惠民农资公司付清
  102    900.00    -         bank
  112    -         900.00    惠民农资公司
2022-04-01 欠丰收农资公司化肥款
  511    3000.00   -
  211    -         3000.00   丰收农资公司
""")


def overdue():
    return list(Warning.objects.filter(rule="receivable_overdue").values_list("village_id", "amount", "occurred_on", "message"))


def test_fires_at_the_county_setting_and_not_before(demo, old_book):
    assert services.run_daily(None, dt.date(2025, 3, 10))["receivable_overdue"] == 0  # exactly three years: not yet
    assert services.run_daily(None, dt.date(2025, 3, 11))["receivable_overdue"] == 1
    assert services.run_daily(None, dt.date(2025, 6, 1))["receivable_overdue"] == 0  # once per counterparty
    # 张三 only: 惠民农资公司 paid off, and a payable never warns; the person's name is masked.
    assert overdue() == [(old_book.region_id, 5_000 * 100, dt.date(2025, 3, 11), "大歇村股份经济合作社 应收「张*」5,000.00元 账龄超过 3 年未收回（最早一笔 2022-03-10）")]
    w = Warning.objects.get(rule="receivable_overdue")
    assert w.book_id == old_book.pk and w.voucher_id is None and w.severity == "medium"


def test_the_county_chooses_the_years(demo, old_book):
    ledger.set_receivable_age_years(demo.county, COUNTY, 2)
    assert services.run_daily(None, dt.date(2024, 3, 10))["receivable_overdue"] == 0
    assert services.run_daily(None, dt.date(2024, 3, 11))["receivable_overdue"] == 1
    assert "账龄超过 2 年" in overdue()[0][3]


def test_a_partly_paid_receivable_warns_for_the_old_part_only(demo, old_book):
    post_journal(demo.accountant, old_book, "2024-01-05 张三还款\n  101  4000.00  -  cash\n  112  -  4000.00  张三\n")
    post_journal(demo.accountant, old_book, "2024-06-01 再赊销给张三\n  112  2000.00  -  张三\n  501  -  2000.00\n")
    services.run_daily(None, dt.date(2025, 3, 11))
    assert [(a, m.split("」")[1].split("元")[0]) for _, a, _, m in overdue()] == [(1_000 * 100, "1,000.00")]


def test_paid_off_in_time_raises_nothing(demo, old_book):
    post_journal(demo.accountant, old_book, "2025-03-01 张三还清\n  101  5000.00  -  cash\n  112  -  5000.00  张三\n")
    assert services.run_daily(None, dt.date(2026, 1, 1))["receivable_overdue"] == 0


def test_the_rule_can_be_switched_off(demo, old_book):
    services.update_params(demo.county, COUNTY, disabled=frozenset({"receivable_overdue"}))
    assert services.run_daily(None, dt.date(2026, 1, 1))["receivable_overdue"] == 0


def test_only_the_county_sets_the_years(demo):
    with pytest.raises(Refused):
        ledger.set_receivable_age_years(demo.township, COUNTY, 2)
    with pytest.raises(Invalid, match="1 到 30"):
        ledger.set_receivable_age_years(demo.county, COUNTY, 0)
    assert ledger.receivable_age_years({COUNTY}) == {COUNTY: 3}
    ledger.set_receivable_age_years(demo.county, COUNTY, 5)
    assert ledger.receivable_age_years({COUNTY}) == {COUNTY: 5}


def test_the_pure_rule():
    item = {"book_id": 1, "village_code": "340828100200", "book_name": "某村", "subject": "receivable:1:x", "counterparty": "某公司",
            "amount": 100, "oldest": dt.date(2020, 2, 29), "years": 3}
    assert rules.receivable_overdue([item], dt.date(2023, 2, 28)) == []
    [f] = rules.receivable_overdue([item], dt.date(2023, 3, 1))
    assert f.occurred_on == dt.date(2023, 3, 1) and f.rule == "receivable_overdue"
    assert rules.receivable_overdue([{**item, "amount": 0}], dt.date(2030, 1, 1)) == []
