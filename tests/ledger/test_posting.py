"""Vouchers through make → submit → review → post, numbering, the chain, kept totals, reversal."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from sanwu.core.errors import Invalid, Refused
from sanwu.ledger import services
from sanwu.ledger.charts import CHART_2023
from sanwu.ledger.models import Account, AccountMonth, Entry, SourceMonth, Voucher
from sanwu.ledger.services.reports import trial_balance
from sanwu.ledger.services.verify import verify_book

from .conftest import post_journal
from .journal import parse

PV_INCOME = """
2025-03-05 收到光伏发电收入
  102  1200.50  -        bank
  501  -        1200.50  pv
"""


def test_book_gets_the_2023_chart_by_roles(book):
    codes = set(Account.objects.filter(book=book, standard=True).values_list("code", flat=True))
    assert codes == {a.code for a in CHART_2023}
    assert [a.code for a in services.accounts_with_role(book, "cash")] == ["101"]
    assert not Account.objects.get(book=book, code="322").is_leaf


def test_the_full_path_of_one_voucher(demo, book):
    draft = parse(PV_INCOME)[0]
    v = services.save_draft(demo.accountant, book, draft)
    assert v.status == "draft" and v.number is None and v.total == 120050
    services.submit(demo.accountant, v)
    with pytest.raises(Invalid, match="审核人不能是制单人"):
        # the maker cannot review, even holding a reviewing role
        from sanwu.regions.services import add_user

        add_user(demo.accountant.username, [("township_supervisor", "340828100000")])
        demo.accountant._sanwu_grants = None
        services.review(demo.accountant, v)
    services.review(demo.township, v)
    v = services.post(demo.accountant, Voucher.objects.get(pk=v.pk))
    assert v.status == "posted" and v.number == 1 and v.label == "2025-03 记-0001"
    assert v.seq == 1 and v.prev_hash == "" and len(v.hash) == 64
    book.refresh_from_db()
    assert book.chain_head == v.hash and book.posted_count == 1
    bank = Account.objects.get(book=book, code="102")
    assert AccountMonth.objects.get(book=book, account=bank, year=2025, month=3).debit == 120050
    assert SourceMonth.objects.get(book=book, source="pv").credit == 120050
    assert verify_book(book).ok


def test_reject_sends_back_with_reason(demo, book):
    v = services.save_draft(demo.accountant, book, parse(PV_INCOME)[0])
    services.submit(demo.accountant, v)
    with pytest.raises(Invalid, match="退回原因"):
        services.reject(demo.township, v, "")
    v = services.reject(demo.township, v, "附件不全")
    assert v.status == "rejected" and v.reject_reason == "附件不全"
    v = services.submit(demo.accountant, v)
    assert v.status == "submitted" and v.reject_reason == ""


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("2025-03-05 不平\n  102 100.00 -\n  501 - 99.99\n", "借贷不平"),
        ("2025-03-05 零\n  102 0 -\n  501 - 0\n", "金额不能为零"),
        ("2025-03-05 父科目\n  102 1.00 -\n  322 - 1.00\n", "有明细科目"),
        ("2025-03-05 无此科目\n  102 1.00 -\n  999 - 1.00\n", "不存在"),
        ("2024-12-31 早于启用\n  102 1.00 -\n  501 - 1.00\n", "早于账套启用日期"),
        ("2099-01-01 未来\n  102 1.00 -\n  501 - 1.00\n", "晚于今天"),
        ("2025-03-05 单条\n  102 1.00 -\n", "至少要有两条"),
    ],
)
def test_posting_rules(demo, book, text, fragment):
    with pytest.raises(Invalid, match=fragment):
        post_journal(demo.accountant, book, text)
    assert not Voucher.objects.filter(book=book).exists()


def test_red_ink_amounts_are_accepted_and_must_balance(demo, book):
    post_journal(demo.accountant, book, PV_INCOME)
    (v,) = post_journal(demo.accountant, book, "2025-03-20 红字更正\n  102 -200.00 -\n  501 - -200.00 pv\n")
    assert v.total == -20000
    tb = trial_balance(book, 2025, 3, 3)
    bank = next(r for r in tb["rows"] if r["code"] == "102")
    assert bank["closing_debit"] == 100050 and tb["balanced"]


def test_numbers_are_per_month_and_gapless(demo, book):
    vs = post_journal(
        demo.accountant,
        book,
        PV_INCOME + "2025-03-06 二\n  101 1.00 -\n  504 - 1.00\n2025-04-01 三\n  101 1.00 -\n  504 - 1.00\n",
    )
    assert [v.label for v in vs] == ["2025-03 记-0001", "2025-03 记-0002", "2025-04 记-0001"]
    assert [v.seq for v in vs] == [1, 2, 3]
    assert vs[1].prev_hash == vs[0].hash


def test_reversal_negates_links_both_ways_and_restores_totals(demo, book):
    (orig,) = post_journal(demo.accountant, book, PV_INCOME)
    rev = services.start_reversal(demo.accountant, orig)
    assert rev.reverses == orig and rev.date == services.today()
    assert [(e.debit, e.credit) for e in rev.entries.order_by("line")] == [(-120050, 0), (0, -120050)]
    services.submit(demo.accountant, rev)
    services.review_and_post(demo.township, rev)
    assert list(orig.reversed_by.all()) == [rev]
    bank = Account.objects.get(book=book, code="102")
    total = sum(m.debit - m.credit for m in AccountMonth.objects.filter(book=book, account=bank))
    assert total == 0
    with pytest.raises(Invalid, match="已有冲销凭证"):
        services.start_reversal(demo.accountant, orig)
    assert verify_book(book).ok


def test_outsiders_cannot_make_review_or_post(demo, book):
    draft = parse(PV_INCOME)[0]
    with pytest.raises(Refused):
        services.save_draft(demo.other_accountant, book, draft)
    v = services.save_draft(demo.accountant, book, draft)
    services.submit(demo.accountant, v)
    with pytest.raises(Refused):
        services.review(demo.other_township, v)
    with pytest.raises(Refused):
        services.review(demo.auditor, v)  # read-only
    services.review(demo.township, v)
    with pytest.raises(Refused):
        services.post(demo.other_accountant, v)


def test_posted_voucher_and_entries_are_refused_by_the_database(demo, book):
    (v,) = post_journal(demo.accountant, book, PV_INCOME)
    for sql in (
        f"UPDATE ledger_voucher SET summary = 'x' WHERE id = {v.pk}",
        f"DELETE FROM ledger_voucher WHERE id = {v.pk}",
        f"UPDATE ledger_entry SET debit = 1 WHERE voucher_id = {v.pk}",
        f"DELETE FROM ledger_entry WHERE voucher_id = {v.pk}",
        "DELETE FROM core_auditevent",
    ):
        with pytest.raises(IntegrityError if connection.vendor == "postgresql" else Exception, match="immutable"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql)
    assert Voucher.objects.get(pk=v.pk).summary == "收到光伏发电收入"


def test_tampering_is_caught_by_verify_naming_the_voucher(demo, book):
    from sanwu.ledger import triggers

    vs = post_journal(demo.accountant, book, PV_INCOME + "2025-03-06 二\n  101 1.00 -\n  504 - 1.00\n")
    triggers.uninstall(connection)
    try:
        Entry.objects.filter(voucher=vs[0], line=1).update(debit=999)
    finally:
        triggers.install(connection)
    check = verify_book(book)
    assert not check.ok and check.first_bad == vs[0]
    assert "2025-03 记-0001" in check.problems[0] and "被改动" in check.problems[0]
    assert any("保存的发生额" in p for p in check.problems)


def test_periods_close_hold_and_reopen(demo, book):
    post_journal(demo.accountant, book, PV_INCOME)
    draft = services.save_draft(demo.accountant, book, parse("2025-03-09 未完成\n  101 1.00 -\n  504 - 1.00\n")[0])
    with pytest.raises(Invalid, match="请先结账 2025年1月"):
        services.close_month(demo.accountant, book, 2025, 3)
    services.close_month(demo.accountant, book, 2025, 1)
    services.close_month(demo.accountant, book, 2025, 2)
    with pytest.raises(Invalid, match="1 张凭证未记账"):
        services.close_month(demo.accountant, book, 2025, 3)
    services.delete_draft(demo.accountant, draft)
    p = services.close_month(demo.accountant, book, 2025, 3)
    assert p.status == "audit_hold"
    with pytest.raises(Invalid, match="已结账"):
        post_journal(demo.accountant, book, "2025-03-10 迟到\n  101 1.00 -\n  504 - 1.00\n")
    with pytest.raises(Refused):
        services.confirm_close(demo.other_township, book, 2025, 3)
    services.confirm_close(demo.township, book, 2025, 3)
    with pytest.raises(Refused):
        services.reopen_month(demo.township, book, 2025, 3, "需要更正")
    with pytest.raises(Invalid, match="原因"):
        services.reopen_month(demo.county, book, 2025, 3, "")
    services.reopen_month(demo.county, book, 2025, 3, "漏记一笔收入")
    post_journal(demo.accountant, book, "2025-03-10 补记\n  101 1.00 -\n  504 - 1.00\n")
    from sanwu.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="period.reopen", note="漏记一笔收入", actor=demo.county).exists()


def test_opening_balances_must_balance_before_the_first_voucher(demo):
    village = demo.other_accountant.role_assignments.get().region_id
    b = services.create_book(None, "B-2", village, "2004", start_date=dt.date(2025, 1, 1))
    with pytest.raises(Invalid, match="期初余额尚未确认"):
        post_journal(None, b, "2025-01-02 x\n  101 1.00 -\n  531 - 1.00\n")
    services.set_opening_balances(None, b, {"101": 50000, "102": 1000000, "301": -1040000})
    with pytest.raises(Invalid, match="借方多 100.00 元"):
        services.confirm_opening(None, b)
    services.set_opening_balances(None, b, {"101": 40000, "102": 1000000, "301": -1040000})
    services.confirm_opening(None, b)
    post_journal(None, b, "2025-01-02 x\n  101 1.00 -\n  531 - 1.00\n")
    tb = trial_balance(b, 2025, 1, 1)
    cash = next(r for r in tb["rows"] if r["code"] == "101")
    assert (cash["opening_debit"], cash["debit"], cash["closing_debit"]) == (40000, 100, 40100)
    assert tb["balanced"]


def test_credit_code_is_validated_when_given(demo):
    village = demo.other_accountant.role_assignments.get().region_id
    with pytest.raises(Invalid, match="校验码错误"):
        services.create_book(None, "B-3", village, "2023", credit_code="N2340828MF1234567A")
    b = services.create_book(None, "B-3", village, "2023", credit_code="n2340828mf1234567q")
    assert b.credit_code == "N2340828MF1234567Q"


def test_sub_accounts_and_year_end_closing(demo, book):
    services.add_sub_account(demo.accountant, book, "501", "50101", "光伏发电收入", default_source="pv")
    with pytest.raises(Invalid, match="有明细科目"):
        post_journal(demo.accountant, book, PV_INCOME)
    post_journal(
        demo.accountant,
        book,
        """
2025-03-05 光伏电费
  102    5000.00  -
  50101  -        5000.00
2025-06-30 支付办公费
  513    800.00   -
  101    -        800.00  cash
2025-07-01 补助
  102    3000.00  -
  503    -        3000.00 subsidy
""",
    )
    assert SourceMonth.objects.get(book=book, source="pv").credit == 500000
    closing = services.close_year(demo.accountant, book, 2025)
    assert len(closing) == 2
    tb = trial_balance(book, 2025, 12, 12)
    by_code = {r["code"]: r for r in tb["rows"]}
    for code in ("50101", "503", "513"):
        assert by_code[code]["closing_debit"] == 0 and by_code[code]["closing_credit"] == 0
    assert by_code["32202"]["closing_credit"] == 500000 - 80000 + 300000
    assert by_code["321"]["closing_credit"] == 0 and tb["balanced"]
    assert verify_book(book).ok
    # The closing is kept apart, so the year's income flow survives it.
    pv = AccountMonth.objects.get(book=book, account__code="50101", month=12) if AccountMonth.objects.filter(book=book, account__code="50101", month=12).exists() else None
    assert pv is not None and (pv.close_debit, pv.close_credit) == (500000, 0)
    flow = sum(m.credit - m.debit - (m.close_credit - m.close_debit) for m in AccountMonth.objects.filter(book=book, account__code="50101"))
    assert flow == 500000
    assert all(v.kind == "closing" for v in closing)


def test_role_year_flows_and_ranking(demo, book, other_book):
    from sanwu.ledger.models import RoleYear
    from sanwu.ledger.services.rankings import income_by_book, ranking

    post_journal(demo.accountant, book, PV_INCOME + "2025-04-01 补助\n  102 5000.00 -\n  503 - 5000.00 subsidy\n")
    post_journal(demo.other_accountant, other_book, "2025-05-01 租金\n  101 300.00 - cash\n  501 - 300.00 rent\n2025-05-02 投资分红\n  102 2000.00 -\n  502 - 2000.00 investment\n")
    assert RoleYear.objects.get(book=book, year=2025, role="subsidy_income").credit == 500000
    assert income_by_book(2025) == {book.pk: 120050, other_book.pk: 230000}
    services.close_year(demo.accountant, book, 2025)
    assert income_by_book(2025)[book.pk] == 120050  # the closing does not erase the year's flow
    assert [(b.code, v) for b, v in ranking(2025)][:2] == [(other_book.code, 230000), (book.code, 120050)]
    assert verify_book(book).ok and verify_book(other_book).ok


def test_canonical_text_is_the_json_definition():
    """The hand-written canonical text equals the JSON encoder's, byte for byte, on awkward text."""
    import random

    from sanwu.ledger.services import chain

    rng = random.Random(7)
    awkward = ['', '"', '\\', '\\"', 'a\nb\tc\r', '\x00\x01\x1f\x7f', '收入“引号”', '😀 emoji', '</script>', '\u2028\u2029', "'", '{}[],:']
    for i in range(300):
        def text():
            return "".join(rng.choice(awkward) for _ in range(rng.randint(0, 3)))

        entries = [
            (text() or "102", rng.randint(-10**12, 10**12), rng.choice([0, rng.randint(-999, 10**9)]), text(), text(), text(), text())
            for _ in range(rng.randint(0, 4))
        ]
        kw = dict(
            book_code=text(), seq=rng.randint(1, 10**7), year=rng.randint(1990, 2099), month=rng.randint(1, 12),
            number=rng.choice([None, rng.randint(1, 9999)]), date=text(), summary=text(),
            reverses_seq=rng.choice([None, rng.randint(1, 10**6)]), entries=entries, kind=rng.choice(["normal", "closing", text()]),
        )
        assert chain.canonical(**kw) == chain.canonical_json(**kw)
