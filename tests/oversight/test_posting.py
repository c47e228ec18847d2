"""The posting rules run inside the posting transaction (the ledger's on_posted hook): one
voucher through make → submit → review → post, and batches of thousands (imports, the demo)."""

import datetime as dt

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanwu.core.errors import Invalid
from sanwu.decisions import services as decisions
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Period
from sanwu.oversight import services
from sanwu.oversight.models import Warning
from sanwu.oversight.rules import Params

from tests.decisions.conftest import advance

from .conftest import post_journal

CASH_OVER = """
2025-03-05 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
"""


def rules_of(voucher):
    return sorted(Warning.objects.filter(voucher=voucher).values_list("rule", flat=True))


def test_posting_a_cash_payment_over_the_limit_raises_warnings_in_the_same_transaction(demo, book):
    draft = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(
        date=dt.date(2025, 3, 5), summary="支付村部维修材料款",
        entries=[ledger.EntryDraft("513", debit=150000, settlement="cash"), ledger.EntryDraft("101", credit=150000, settlement="cash")],
    ))
    ledger.submit(demo.accountant, draft)
    assert Warning.objects.count() == 0  # nothing before posting
    v = ledger.review_and_post(demo.township, draft)
    assert rules_of(v) == ["cash_over_limit", "no_attachment"]
    w = Warning.objects.get(voucher=v, rule="cash_over_limit")
    assert (w.status, w.severity, w.village_id, w.township_code, w.county_code, w.book_id, w.amount, w.occurred_on) == (
        "open", "medium", "340828100200", "340828100000", "340828000000", book.pk, 150000, dt.date(2025, 3, 5),
    )
    assert "2025-03 记-0001" in w.message and "1,500.00元" in w.message


def test_a_failed_posting_leaves_no_warning(demo, book):
    draft = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(
        date=dt.date(2025, 3, 5), summary="支付", entries=[ledger.EntryDraft("513", debit=150000), ledger.EntryDraft("101", credit=150000)],
    ))
    ledger.submit(demo.accountant, draft)
    ledger.review(demo.township, draft)
    Period.objects.create(book=book, year=2025, month=3, status="closed")  # the month was closed meanwhile
    with pytest.raises(Invalid):
        ledger.post(demo.township, draft)
    assert Warning.objects.count() == 0


def test_income_and_small_paid_with_receipts_raise_nothing(demo, book):
    post_journal(demo.accountant, book, """
2025-03-05 收到光伏发电收入
  102   100000.00  -          bank  国网岳西县供电公司
  501   -          100000.00  pv
2025-03-06 从银行提取备用金
  101   20000.00  -          cash
  102   -         20000.00   bank
""")
    assert Warning.objects.count() == 0


def test_a_batch_of_thousands_is_checked_with_a_bounded_number_of_queries(demo, book):
    lines = []
    for i in range(2000):
        day = 1 + i % 28
        lines.append(f"2025-03-{day:02d} 支付零星开支{i}\n  513   {1000 + i}.00  -  cash  供应商{i}\n  101   -  {1000 + i}.00  cash  供应商{i}\n")
    drafts = "".join(lines)
    with CaptureQueriesContext(connection) as ctx:
        vouchers = post_journal(demo.accountant, book, drafts)
    assert len(vouchers) == 2000
    assert Warning.objects.filter(rule="cash_over_limit").count() == 2000
    assert Warning.objects.filter(rule="no_attachment").count() == 2000
    oversight = [q for q in ctx.captured_queries if "oversight_" in q["sql"]]
    assert len(oversight) < 40, len(oversight)  # bulk: a handful of queries per 900 vouchers, not per voucher


def test_the_same_counterparty_and_amount_twice_within_seven_days(demo, book):
    (first,) = post_journal(demo.accountant, book, """
2025-03-03 支付水泥款
  511   3200.00  -         bank  岳西县建材公司
  102   -        3200.00   bank  岳西县建材公司
""")
    assert "duplicate_payment" not in rules_of(first)
    (second,) = post_journal(demo.accountant, book, """
2025-03-09 支付水泥款
  511   3200.00  -         bank  岳西县建材公司
  102   -        3200.00   bank  岳西县建材公司
""")
    (third,) = post_journal(demo.accountant, book, """
2025-03-25 支付水泥款
  511   3200.00  -         bank  岳西县建材公司
  102   -        3200.00   bank  岳西县建材公司
""")
    w = Warning.objects.get(voucher=second, rule="duplicate_payment")
    assert first.label in w.message and "相隔 6 天" in w.message
    assert "duplicate_payment" not in rules_of(third)


def test_large_round_sum_and_large_without_decision(demo, book):
    (v,) = post_journal(demo.accountant, book, """
2025-03-10 支付村道硬化工程款
  153   60000.00  -          bank  岳西县路桥公司
  102   -         60000.00   bank  岳西县路桥公司
""")
    found = rules_of(v)
    assert "round_sum" in found and "no_attachment" in found
    assert "large_without_decision" in found  # no completed 四议两公开 decision is linked


def test_county_parameters_and_disabled_rules_apply(demo, book):
    services.update_params(demo.county, "340828000000", cash_limit=200000, disabled=frozenset({"no_attachment"}))
    (small,) = post_journal(demo.accountant, book, CASH_OVER)
    assert rules_of(small) == []
    (big,) = post_journal(demo.accountant, book, CASH_OVER.replace("1500.00", "2000.00").replace("03-05", "03-06"))
    assert rules_of(big) == ["cash_over_limit"]


def test_the_other_village_gets_its_own_warnings(demo, book, other_book):
    post_journal(demo.other_accountant, other_book, CASH_OVER)
    w = Warning.objects.get(rule="cash_over_limit")
    assert (w.village_id, w.township_code, w.book_id) == ("340828101200", "340828101000", other_book.pk)


def test_rescanning_a_book_creates_nothing_twice(demo, book):
    post_journal(demo.accountant, book, CASH_OVER)
    before = Warning.objects.count()
    assert services.rescan_book(book) == 0
    Warning.objects.all().delete()
    assert services.rescan_book(book) == before
    assert services.rescan_book(book) == 0
    assert Warning.objects.count() == before


def test_params_for_a_county_default_until_set(demo):
    assert services.params_for("340828000000") == Params()
    p = services.update_params(demo.county, "340828000000", cash_limit=50000)
    assert services.params_for("340828000000") == p and p.cash_limit == 50000 and p.large_amount == Params().large_amount


def test_a_large_payment_linked_to_a_completed_decision_raises_no_warning_and_linking_later_settles_it(demo, book):
    """With the decisions app: a voucher linked (as a draft) to a matter whose resolution is
    published passes; one linked only after posting is settled by the daily run."""
    village = book.region_id
    matter = decisions.create_matter(demo.secretary, village, "村组道路硬化工程", "tendering", purpose="expenditure", amount=38_600_000, year=2025)
    advance(demo.secretary, matter, "resolution_published")
    draft = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(
        date=dt.date(2025, 4, 10), summary="支付村组道路硬化工程款", attachment_count=2,
        entries=[ledger.EntryDraft("153", debit=38_200_000, counterparty="县路桥公司"), ledger.EntryDraft("102", credit=38_200_000, counterparty="县路桥公司")],
    ))
    decisions.link_voucher(demo.accountant, matter, draft)
    ledger.submit(demo.accountant, draft)
    v = ledger.review_and_post(demo.township, draft)
    assert "large_without_decision" not in rules_of(v)

    (later,) = post_journal(demo.accountant, book, """
2025-04-20 支付村组道路硬化工程尾款
  153   60000.00  -         bank  县路桥公司
  102   -         60000.00  bank  县路桥公司
""")
    w = Warning.objects.get(voucher=later, rule="large_without_decision")
    assert w.severity == "high" and w.status == "open"
    decisions.link_voucher(demo.accountant, matter, later)
    assert services.run_daily(None, dt.date(2025, 4, 21)) is not None
    w.refresh_from_db()
    assert w.status == "accepted" and w.handled_by is None and "自动办结" in w.handling_note
    assert [e.to_status for e in w.events.all()] == ["accepted"]
