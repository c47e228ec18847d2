"""Over-budget spending: shown on the voucher before it is posted, a warning at posting (the
oversight rule `over_budget`), refused at posting where the county says so."""

import datetime as dt

import pytest
from django.urls import reverse

from sanwu.budgets import services
from sanwu.core.errors import Invalid
from sanwu.ledger import services as ledger
from sanwu.oversight.models import Warning

from .conftest import MEETING, post_journal

# 管理费用 budget: 12,000元 for 2025; 9,000元 spent by March.
SPENT = """
2025-02-10 支付村部维修费
  513   9000.00   -
  102   -          9000.00    bank
"""


def payment(demo, book, yuan: int, code: str = "513"):
    draft = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(
        date=dt.date(2025, 3, 5), summary="支付村部办公设备款",
        entries=[ledger.EntryDraft(code, debit=yuan * 100, settlement="bank"), ledger.EntryDraft("102", credit=yuan * 100, settlement="bank")],
    ))
    return ledger.submit(demo.accountant, draft)


def test_the_voucher_shows_the_overrun_before_posting_and_posting_raises_the_warning(demo, book, approved, as_user):
    post_journal(demo.accountant, book, SPENT)
    v = payment(demo, book, 4000)
    notes = services.voucher_notes(v, list(v.entries.all()))
    assert len(notes) == 1 and "513 管理费用" in notes[0] and "13,000.00元" in notes[0] and "超出 1,000.00元" in notes[0]
    page = as_user(demo.township).get(reverse("ledger:voucher", args=[book.code, v.pk]))
    assert "超出年度预算" in page.content.decode() and "记账后将产生超预算预警" in page.content.decode()
    posted = ledger.review_and_post(demo.township, v)
    w = Warning.objects.get(voucher=posted, rule="over_budget")
    assert w.amount == 100_000 and w.status == "open" and "超过年度预算 12,000.00元" in w.message
    # Once posted the page no longer forecasts; the warning has it.
    page = as_user(demo.township).get(reverse("ledger:voucher", args=[book.code, v.pk]))
    assert "data-voucher-note" not in page.content.decode()


def test_spending_within_the_budget_or_without_one_is_not_flagged(demo, book, draft):
    post_journal(demo.accountant, book, SPENT)
    v = payment(demo, book, 4000)
    assert services.voucher_notes(v, list(v.entries.all())) == []  # a draft budget holds nothing yet
    services.approve(demo.secretary, draft, approved_on=dt.date(2025, 1, 20), meeting=MEETING)
    small = payment(demo, book, 3000)
    assert services.voucher_notes(small, list(small.entries.all())) == []
    posted = ledger.review_and_post(demo.township, small)
    assert not Warning.objects.filter(voucher=posted, rule="over_budget").exists()


def test_a_batch_flags_the_voucher_that_crosses_the_line(demo, book, approved):
    vouchers = post_journal(demo.accountant, book, SPENT + """
2025-03-01 支付办公用品
  513   2000.00   -
  102   -          2000.00    bank
2025-03-02 支付网络费
  513   1500.00   -
  102   -          1500.00    bank
2025-03-03 支付打印费
  513   500.00   -
  102   -          500.00    bank
""")
    flagged = set(Warning.objects.filter(rule="over_budget").values_list("voucher_id", flat=True))
    assert flagged == {vouchers[2].pk, vouchers[3].pk}


def test_where_the_county_refuses_over_budget_spending_it_is_not_posted(demo, book, approved):
    services.set_over_budget(demo.county, "340828000000", "refuse")
    post_journal(demo.accountant, book, SPENT)
    v = payment(demo, book, 4000)
    assert "不能记账" in services.voucher_notes(v, list(v.entries.all()))[0]
    with pytest.raises(Invalid, match="超出年度预算，不能记账"):
        ledger.review_and_post(demo.township, v)
    v.refresh_from_db()
    assert v.status == "submitted" and v.number is None  # nothing of the posting stayed
    ok = payment(demo, book, 3000)
    assert ledger.review_and_post(demo.township, ok).status == "posted"


def test_only_a_county_supervisor_sets_the_rule(demo):
    from sanwu.core.errors import NotFound, Refused

    with pytest.raises((Refused, NotFound)):
        services.set_over_budget(demo.township, "340828000000", "refuse")
    with pytest.raises(Invalid):
        services.set_over_budget(demo.county, "340828000000", "maybe")


def test_the_voucher_form_shows_the_overrun_of_a_saved_draft(demo, book, approved, as_user):
    post_journal(demo.accountant, book, SPENT)
    draft = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(
        date=dt.date(2025, 3, 5), summary="支付村部办公设备款",
        entries=[ledger.EntryDraft("513", debit=400_000, settlement="bank"), ledger.EntryDraft("102", credit=400_000, settlement="bank")],
    ))
    html = as_user(demo.accountant).get(reverse("ledger:voucher_edit", args=[book.code, draft.pk])).content.decode()
    assert "data-voucher-note" in html and "超出 1,000.00元" in html
