"""The oversight rule 付款未经审批: a payment voucher (money out of cash or bank to an expense
account, from the county's least amount) posted without an approved request raises a warning,
where the county checks it; a voucher made from a request does not."""

import datetime as dt

from sanwu.core.codes import county_of
from sanwu.ledger import services as ledger
from sanwu.oversight import rules
from sanwu.oversight.models import Warning
from sanwu.payments import services

from ..ledger.journal import parse
from .conftest import walk

PAY = "2025-05-08 支付办公楼维修款\n  513  3000.00  -  bank  县建筑公司\n  102  -  3000.00  bank  县建筑公司\n"


def _check_on(book, least=100_000):
    services.update_thresholds(None, county_of(book.region_id), warn_without_request=True, warn_min_amount=least)


def test_pure_rule():
    line = rules.Line
    facts = rules.VoucherFacts(1, "340828100200", dt.date(2025, 5, 8), "记-0001", (
        line(frozenset({"management_expense"}), debit=300_000), line(frozenset({"bank"}), credit=300_000)), summary="维修")
    assert [f.rule for f in rules.payment_without_request(facts, False, 100_000)] == ["payment_without_request"]
    assert rules.payment_without_request(facts, True, 100_000) == []
    assert rules.payment_without_request(facts, False, 300_001) == []
    income = rules.VoucherFacts(2, "340828100200", dt.date(2025, 5, 8), "记-0002", (
        line(frozenset({"bank"}), debit=300_000), line(frozenset({"subsidy_income"}), credit=300_000)))
    assert rules.payment_without_request(income, False, 0) == []


def test_fires_for_a_payment_without_request(demo, book):
    _check_on(book)
    ledger.post_drafts(None, book, parse(PAY))
    w = Warning.objects.get(rule="payment_without_request")
    assert w.amount == 300_000 and "没有经过审批的付款申请" in w.message and w.village_id == book.region_id


def test_not_for_small_payments_nor_where_the_county_does_not_check(demo, book):
    ledger.post_drafts(None, book, parse(PAY))  # default: the county does not check
    assert not Warning.objects.filter(rule="payment_without_request").exists()
    _check_on(book, least=500_000)
    ledger.post_drafts(None, book, parse(PAY.replace("05-08", "05-09")))
    assert not Warning.objects.filter(rule="payment_without_request").exists()


def test_not_for_a_voucher_made_from_a_request(demo, book):
    _check_on(book)
    req = walk(demo, book, "paid")
    v = ledger.submit(demo.accountant, req.voucher)
    v = ledger.review_and_post(demo.township, v)
    assert v.status == "posted"
    assert not Warning.objects.filter(rule="payment_without_request").exists()


def test_the_oversight_switch_turns_it_off(demo, book):
    from sanwu.oversight import services as oversight

    _check_on(book)
    oversight.update_params(None, county_of(book.region_id), disabled=frozenset({"payment_without_request"}))
    ledger.post_drafts(None, book, parse(PAY))
    assert not Warning.objects.filter(rule="payment_without_request").exists()
