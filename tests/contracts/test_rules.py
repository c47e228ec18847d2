"""Each contract rule fires on a case made for it and stays quiet on its neighbour."""

import datetime as dt
from dataclasses import replace

from sanwu.contracts import rules as crules
from sanwu.oversight import rules

ON = dt.date(2026, 12, 8)
BASE = rules.ContractFacts(
    contract_id=1, book_id=1, village_code="340828100200", label="合同 HT-001（村集体茶园，王*国）", kind="contracting",
    end=dt.date(2030, 12, 31), term_months=120, total=3_000_000, price_per_mu=30_000, decided=True, tendered=True, pledge="",
)


def codes(c: rules.ContractFacts) -> list[str]:
    return [f.rule for f in rules.contract_findings(c, ON)]


def test_a_plain_contract_raises_nothing():
    assert codes(BASE) == []


def test_payment_overdue_past_the_grace_days():
    assert codes(replace(BASE, overdue=((2, dt.date(2026, 11, 1), 100_000),))) == ["contract_payment_overdue"]
    assert codes(replace(BASE, overdue=((2, dt.date(2026, 11, 20), 100_000),))) == []  # within 30 days
    (f,) = rules.contract_payment_overdue(replace(BASE, overdue=((2, dt.date(2026, 1, 1), 100_000), (3, dt.date(2026, 7, 1), 50_000))), ON)
    assert f.amount == 150_000 and "2 期" in f.message and f.occurred_on == dt.date(2026, 2, 1)  # the 31st day after it fell due


def test_ending_within_the_county_days():
    assert codes(replace(BASE, end=dt.date(2027, 1, 31))) == ["contract_ending"]
    assert codes(replace(BASE, end=dt.date(2027, 2, 28))) == []
    assert codes(replace(BASE, end=dt.date(2026, 12, 1))) == []  # already ended


def test_no_decision_or_no_tender_above_their_thresholds():
    assert codes(replace(BASE, decided=False, total=5_000_000)) == ["contract_no_decision"]
    assert codes(replace(BASE, decided=False, total=4_999_999)) == []
    assert codes(replace(BASE, tendered=False, total=10_000_000)) == ["contract_no_tender"]
    assert codes(replace(BASE, tendered=False, total=9_999_999)) == []


def test_term_longer_than_the_county_allows_for_its_kind():
    lease = replace(BASE, kind="lease", max_months=crules.DEFAULT_LIMITS.max_months("lease"))
    assert codes(replace(lease, term_months=241)) == ["contract_term_too_long"]
    assert codes(replace(lease, term_months=240)) == []
    assert codes(replace(BASE, kind="sale", term_months=999)) == []  # no limit for a sale


def test_low_price_per_mu_against_the_reference():
    assert codes(replace(BASE, min_price_per_mu=40_000)) == ["contract_low_price"]
    assert codes(replace(BASE, min_price_per_mu=30_000)) == []
    assert codes(replace(BASE, min_price_per_mu=40_000, price_per_mu=0)) == []  # no area


def test_collective_property_pledged():
    assert codes(replace(BASE, pledge="以村部办公楼为某公司贷款抵押")) == ["property_pledged"]


def test_income_without_contract_one_per_book_counterparty_and_year():
    items = [{"book_id": 1, "book_name": "大歇村", "village_code": "340828100200", "year": 2026, "counterparty": "李*", "key": "abc", "amount": 500_000, "first": dt.date(2026, 3, 1)}]
    (f,) = rules.income_without_contract(items)
    assert f.rule == "income_without_contract" and "李*" in f.message and f.subject == "income:1:2026:abc"
    assert rules.income_without_contract([{**items[0], "amount": 0}]) == []
