import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.assets import services
from sanwu.assets.models import Card, CardEvent
from sanwu.core.codes import county_of
from sanwu.core.errors import Invalid
from sanwu.ledger import services as ledger

from .conftest import machine, post_journal, post_run


def test_a_sale_takes_the_card_out_when_its_voucher_is_posted_and_the_books_still_tie(demo, book, card):
    for m in (1, 2, 3):
        run = services.run_month(demo.accountant, book, 2025, m)
        if run.voucher:
            post_run(demo, run)
    card.refresh_from_db()
    assert card.accumulated == 2 * 95_00
    with pytest.raises(Invalid, match="请先计提 2025年4月的折旧"):
        services.dispose(demo.accountant, card, "sale", dt.date(2025, 4, 20), 1_000_000, "设备闲置，公开出售")
    post_run(demo, services.run_month(demo.accountant, book, 2025, 4))
    card.refresh_from_db()
    d = services.dispose(demo.accountant, card, "sale", dt.date(2025, 4, 20), 1_000_000, "设备闲置，公开出售")
    # net 12,000 − 285 = 11,715; sold for 10,000: a loss of 1,715
    assert d.gain == -1_715_00 and d.voucher.status == "submitted"
    lines = sorted((e.account.code, e.debit, e.credit) for e in d.voucher.entries.all())
    assert lines == sorted([("152", 285_00, 0), ("102", 10_000_00, 0), ("515", 1_715_00, 0), ("151", 0, 12_000_00)])
    card.refresh_from_db()
    assert card.state == "in_use"  # until posted
    with pytest.raises(Invalid, match="已处置或正在处置"):
        services.dispose(demo.accountant, card, "scrap", dt.date(2025, 4, 20), 0, "报废")
    ledger.post(demo.accountant, ledger.review(demo.township, d.voucher))
    card.refresh_from_db()
    assert (card.state, card.disposed_on) == ("disposed", dt.date(2025, 4, 20))
    assert [e.action for e in CardEvent.objects.filter(card=card)] == ["create", "dispose", "disposed"]
    assert all(t.ok for t in services.ties(book))
    assert services.run_month(demo.accountant, book, 2025, 5).total == 0  # no longer charged


def test_above_the_county_threshold_a_disposal_rests_on_a_decided_matter(demo, book, card):
    services.set_settings(demo.county, county_of(book.region_id), disposal_matter_threshold=500_000)
    with pytest.raises(Invalid, match="须关联已决议的四议两公开事项"):
        services.dispose(demo.accountant, card, "scrap", dt.date(2025, 1, 20), 0, "损坏报废")
    services.set_settings(demo.county, county_of(book.region_id), disposal_matter_threshold=2_000_000)
    d = services.dispose(demo.accountant, card, "scrap", dt.date(2025, 1, 20), 0, "损坏报废")  # bought this month: nothing charged yet
    assert d.gain == -12_000_00


def test_verify_names_the_difference_and_says_when_a_book_has_no_register(demo, book, other_book, card, capsys):
    assert services.book_problems(book) == [] and services.book_notes(other_book) == ["尚未建立资产台账"]
    post_journal(demo.accountant, book, "2025-03-01 购置农机\n  151  5000.00  -\n  101  -  5000.00  cash\n")
    (problem,) = services.book_problems(book)
    assert problem == "资产台账固定资产原值 12,000.00 元，账簿 17,000.00 元，相差 -5,000.00 元"
    assert [w["debited"] for w in services.vouchers_wanting_cards(book)] == [500_000]
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("verify")
    out = capsys.readouterr().out
    assert f"{other_book.code} ok" in out and "尚未建立资产台账" in out and "相差 -5,000.00 元" in out


def test_a_tampered_kept_total_is_found_by_replaying_the_lines(demo, book, card):
    services.run_month(demo.accountant, book, 2025, 1)
    post_run(demo, services.run_month(demo.accountant, book, 2025, 2))
    Card.objects.filter(pk=card.pk).update(accumulated=1)
    assert any("与登记数加已记账折旧 95.00 元不符" in p for p in services.book_problems(book))


def test_a_card_names_a_posted_voucher_of_its_book_for_no_more_than_it_debits(demo, book, bought):
    with pytest.raises(Invalid, match="就超过了"):
        services.add_card(demo.accountant, book, machine(bought.pk, cost=1_300_000))
    services.add_card(demo.accountant, book, machine(bought.pk, cost=700_000))
    with pytest.raises(Invalid, match="就超过了"):
        services.add_card(demo.accountant, book, machine(bought.pk, number="JQ-002", cost=600_000))
    draft = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(date=dt.date(2025, 2, 1), summary="购置", entries=[
        ledger.EntryDraft("151", debit=100), ledger.EntryDraft("101", credit=100, settlement="cash")]))
    with pytest.raises(Invalid, match="尚未记账"):
        services.add_card(demo.accountant, book, machine(draft.pk, number="X", cost=100))
