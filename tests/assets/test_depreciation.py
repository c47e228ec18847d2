import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanwu.assets import rules, services
from sanwu.assets.models import Card, DepreciationLine, DepreciationRun
from sanwu.core.errors import Invalid, Refused
from sanwu.ledger import services as ledger
from sanwu.ledger.services import reports

from .conftest import machine, post_journal, post_run  # noqa: F401


@given(cost=st.integers(1, 10**12), life=st.integers(1, 600), bp=st.integers(0, 10_000))
def test_a_card_depreciated_from_new_reaches_exactly_cost_less_residual(cost, life, bp):
    residual = rules.residual_of(cost, bp)
    acc, charges = 0, []
    for k in range(0, life + 3):
        c = rules.charge(cost, residual, life, acc, k)
        assert c >= 0
        charges.append(c)
        acc += c
    assert acc == cost - residual
    assert charges[0] == 0 and sum(charges[life + 1:]) == 0  # nothing in the month of acquisition, nothing after life
    monthly = rules.monthly_amount(cost, residual, life)
    # the rounded month while life lasts (less only when that is all that is left), the rest in the last month
    assert all(c <= monthly for c in charges[1:life]) and charges[1:life].count(monthly) >= min(life - 1, (cost - residual) // max(monthly, 1) - 1)


def test_rates_are_read_as_percent_to_basis_points():
    assert [rules.parse_rate(t) for t in ("5", "5%", "3.5", "0", "100", "100.01", "-1", "5.123", "x")] == [500, 500, 350, 0, 10_000, None, None, None, None]


def test_the_month_after_acquisition_is_charged_into_a_voucher_the_township_reviews(demo, book, card):
    jan = services.run_month(demo.accountant, book, 2025, 1)
    assert (jan.status, jan.total, jan.voucher) == ("posted", 0, None)  # bought in January: nothing until February
    feb = services.run_month(demo.accountant, book, 2025, 2)
    assert (feb.status, feb.total, feb.cards) == ("pending", 95_00, 1) and feb.voucher.status == "submitted"
    lines = [(e.account.code, e.debit, e.credit) for e in feb.voucher.entries.order_by("line")]
    assert lines == [("513", 95_00, 0), ("152", 0, 95_00)] and feb.voucher.date == dt.date(2025, 2, 28)
    card.refresh_from_db()
    assert card.accumulated == 0  # counted once posted
    with pytest.raises(Invalid, match="2025年2月的折旧凭证尚未记账"):
        services.run_month(demo.accountant, book, 2025, 3)
    post_run(demo, feb)
    card.refresh_from_db()
    feb.refresh_from_db()
    assert card.accumulated == 95_00 and feb.status == "posted"
    assert all(t.ok for t in services.ties(book)) and services.book_problems(book) == []
    sheet = {r["label"]: r["closing"] for r in reports.balance_sheet(book, 2025, 2)["assets"]}
    assert (sheet["固定资产原值"], sheet["减：累计折旧"]) == (card.cost, card.accumulated)  # the balance sheet ties to the cards


def test_months_go_in_order_once_each(demo, book, card):
    with pytest.raises(Invalid, match="请先计提 2025年1月"):
        services.run_month(demo.accountant, book, 2025, 2)
    services.run_month(demo.accountant, book, 2025, 1)
    with pytest.raises(Invalid, match="2025年1月已计提折旧"):
        services.run_month(demo.accountant, book, 2025, 1)
    with pytest.raises(Invalid, match="在此之前"):
        services.run_month(demo.accountant, book, 2024, 12)
    far = ledger.today()
    with pytest.raises(Invalid, match="还没有到"):
        services.run_month(demo.accountant, book, far.year + 1, 1)


def test_the_last_month_of_life_takes_what_remains(demo, book):
    (v,) = post_journal(demo.accountant, book, "2025-01-10 购置打印机\n  151  1000.00  -\n  101  -  1000.00  cash\n")
    c = services.add_card(demo.accountant, book, machine(v.pk, number="BG-1", name="打印机", kind="office", cost=100_000, life_months=3, residual_bp=0))
    amounts = []
    for m in range(1, 6):
        run = services.run_month(demo.accountant, book, 2025, m)
        if run.voucher:
            post_run(demo, run)
        amounts.append(run.total)
    c.refresh_from_db()
    assert amounts == [0, 33_333, 33_333, 33_334, 0] and c.accumulated == 100_000


def test_a_month_with_depreciation_due_stays_open_until_it_is_charged(demo, book, card):
    checks = {(c.year, c.month): c for c in ledger.close_checks(book, (2025, 1), (2025, 2))}
    assert not any("折旧" in b for b in checks[(2025, 1)].blocking)  # bought in January
    assert any("本月折旧尚未计提" in b for b in checks[(2025, 2)].blocking)
    services.run_month(demo.accountant, book, 2025, 1)
    ledger.close_months(demo.accountant, book, (2025, 1), (2025, 1))
    with pytest.raises(Invalid, match="本月折旧尚未计提"):
        ledger.close_months(demo.accountant, book, (2025, 2), (2025, 2))
    post_run(demo, services.run_month(demo.accountant, book, 2025, 2))
    ledger.close_months(demo.accountant, book, (2025, 2), (2025, 2))


def test_a_run_voucher_changed_after_it_was_made_is_not_posted(demo, book, card):
    services.run_month(demo.accountant, book, 2025, 1)
    run = services.run_month(demo.accountant, book, 2025, 2)
    v = ledger.reject(demo.township, run.voucher, "金额有误")
    draft = ledger.VoucherDraft(date=v.date, summary=v.summary, entries=[
        ledger.EntryDraft("513", debit=100_00, summary="x"), ledger.EntryDraft("152", credit=100_00, summary="x"),
    ])
    v = ledger.submit(demo.accountant, ledger.save_draft(demo.accountant, book, draft, voucher=v))
    v = ledger.review(demo.township, v)
    with pytest.raises(Invalid, match="已与台账不符"):
        ledger.post(demo.accountant, v)
    card.refresh_from_db()
    assert card.accumulated == 0


def test_a_deleted_run_voucher_lets_the_month_be_run_again(demo, book, card):
    services.run_month(demo.accountant, book, 2025, 1)
    run = services.run_month(demo.accountant, book, 2025, 2)
    v = ledger.reject(demo.township, run.voucher, "重做")
    ledger.delete_draft(demo.accountant, v)
    again = services.run_month(demo.accountant, book, 2025, 2)
    assert again.total == 95_00 and DepreciationRun.objects.get(pk=run.pk).status == "void"
    assert DepreciationLine.objects.filter(run__book=book).count() == 2


def test_only_the_village_accountant_runs_it_and_outsiders_see_nothing(demo, book, card):
    with pytest.raises(Refused):
        services.run_month(demo.other_accountant, book, 2025, 1)
    with pytest.raises(Refused):
        services.run_month(demo.township, book, 2025, 1)
    assert not Card.objects.visible_to(demo.other_accountant).exists()
    assert Card.objects.visible_to(demo.township).filter(pk=card.pk).exists()
