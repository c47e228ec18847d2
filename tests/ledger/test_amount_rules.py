"""Amount rules (issue 10 item 6): a ceiling on one entry, on one voucher and on the number of
entries in it — in the one validator, so the form, the API and the import all refuse; and the
cash rule: a posting that would take a cash account below zero is refused, or held for the
reviewer where the county says so. Plus durability (item 7): the connection syncs every commit."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.ledger import imports, services
from sanwu.ledger.models import AccountMonth, Book, CountyLedgerSettings, Entry, RoleYear, Voucher
from sanwu.ledger.services.reports import balance_at_end_of

from .journal import parse
from .test_api import api_for, body, send
from .test_import import csv_bytes, state
from .test_views import form_data

YI = 100_000_000 * 100  # 1亿元 in fen
COUNTY = "340828000000"  # 岳西县, the county of the demo's 大歇村


# --- ceilings ----------------------------------------------------------------------------------


def test_the_defaults_are_one_yi_per_entry_ten_yi_per_voucher_and_500_entries(settings):
    assert (settings.SANWU_MAX_ENTRY_FEN, settings.SANWU_MAX_VOUCHER_FEN, settings.SANWU_MAX_VOUCHER_ENTRIES) == (YI, 10 * YI, 500)


def test_the_cash_payment_of_the_report_is_refused_before_it_is_saved(demo, book):
    """99,999,999,999,999 元 paid in cash was saved and posted, leaving cash at a credit balance
    of 99,999,999,995,501.00."""
    draft = parse("2025-03-05 支付工程款\n  513 99999999999999.00 -\n  101 - 99999999999999.00 cash\n")[0]
    with pytest.raises(Invalid) as exc:
        services.save_draft(demo.accountant, book, draft)
    messages = exc.value.messages
    assert "「借方金额」：第1条分录借方金额 99,999,999,999,999.00 元超过一条分录的上限 100,000,000.00 元" in messages
    assert "「贷方金额」：第2条分录贷方金额 99,999,999,999,999.00 元超过一条分录的上限 100,000,000.00 元" in messages
    assert not Voucher.objects.filter(book=book).exists()


def test_exactly_the_ceiling_is_accepted_one_fen_more_is_not(demo, book):
    (v,) = services.post_drafts(demo.accountant, book, parse("2025-03-05 收到征地补偿款\n  102 100000000.00 -\n  504 - 100000000.00\n"))
    assert v.total == YI
    with pytest.raises(Invalid, match="借方金额 100,000,000.01 元超过一条分录的上限"):
        services.post_drafts(demo.accountant, book, parse("2025-03-06 收到征地补偿款\n  102 100000000.01 -\n  504 - 100000000.01\n"))
    # Red ink (negative amounts) is bounded alike.
    with pytest.raises(Invalid, match="贷方金额 -100,000,000.01 元超过"):
        services.post_drafts(demo.accountant, book, parse("2025-03-07 红字\n  102 -100000000.01 -\n  504 - -100000000.01\n"))


def test_a_voucher_over_ten_yi_is_refused_though_each_entry_is_within_its_ceiling(demo, book):
    lines = "".join("  102 100000000.00 -\n" for _ in range(11)) + "".join("  504 - 100000000.00\n" for _ in range(11))
    with pytest.raises(Invalid) as exc:
        services.save_draft(demo.accountant, book, parse("2025-03-05 收到一揽子补偿款\n" + lines)[0])
    assert exc.value.messages == ["「借方金额」：凭证借方合计 1,100,000,000.00 元超过一张凭证的上限 1,000,000,000.00 元"]


def test_a_voucher_has_at_most_500_entries(demo, book):
    def voucher(n):
        return parse("2025-03-05 发放补贴\n" + "".join("  513 1.00 -\n" for _ in range(n - 1)) + f"  101 - {n - 1}.00 cash\n")[0]

    with pytest.raises(Invalid, match="一张凭证最多500条分录，这张有501条；请分成几张凭证"):
        services.save_draft(demo.accountant, book, voucher(501))
    assert services.save_draft(demo.accountant, book, voucher(500)).entries.count() == 500


def test_the_ceilings_are_settings(demo, book, settings):
    settings.SANWU_MAX_ENTRY_FEN = 50_000 * 100
    settings.SANWU_MAX_VOUCHER_ENTRIES = 3
    with pytest.raises(Invalid, match="超过一条分录的上限 50,000.00 元"):
        services.save_draft(demo.accountant, book, parse("2025-03-05 收入\n  102 50000.01 -\n  504 - 50000.01\n")[0])
    with pytest.raises(Invalid, match="一张凭证最多3条分录"):
        services.save_draft(demo.accountant, book, parse("2025-03-05 收入\n  102 1.00 -\n  102 1.00 -\n  504 - 1.00\n  504 - 1.00\n")[0])


def test_the_form_names_the_row_and_field_over_the_ceiling(demo, as_user, book):
    resp = as_user(demo.accountant).post(
        reverse("ledger:voucher_new", args=[book.code]),
        form_data(rows=(("513", "99999999999999", "", "cash", ""), ("101", "", "99999999999999", "cash", ""))),
    )
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "第1行分录：借方金额 99,999,999,999,999.00 元超过一条分录的上限 100,000,000.00 元" in text
    assert "第2行分录：贷方金额 99,999,999,999,999.00 元超过一条分录的上限 100,000,000.00 元" in text
    assert not Voucher.objects.filter(book=book).exists()


def test_the_api_answers_422_naming_the_entry_and_field(demo, book):
    data = {
        "date": "2025-03-05", "summary": "支付工程款",
        "entries": [{"account": "513", "debit_fen": YI + 1}, {"account": "102", "credit_fen": YI + 1, "settlement": "bank"}],
    }  # within the API's own range for an amount (10 万亿元), over the ledger's ceiling
    resp = send(api_for(demo.accountant), "post", f"/api/v1/books/{book.code}/vouchers", data)
    assert resp.status_code == 422
    detail = body(resp)["detail"]
    assert "「借方金额」：第1条分录借方金额 100,000,000.01 元超过一条分录的上限 100,000,000.00 元" in detail
    assert "「贷方金额」：第2条分录贷方金额 100,000,000.01 元超过一条分录的上限 100,000,000.00 元" in detail
    assert not Voucher.objects.filter(book=book).exists()


def test_the_import_names_file_row_and_column_and_writes_nothing(demo, book):
    rows = [
        ["2025-03-05", "记-1", "收到光伏发电收入", "102", "1200.50", "", "银行", "", "", ""],
        ["2025-03-05", "记-1", "收到光伏发电收入", "501", "", "1200.50", "", "光伏", "", ""],
        ["2025-03-06", "记-2", "支付工程款", "513", "99999999999999", "", "", "", "", ""],
        ["2025-03-06", "记-2", "支付工程款", "102", "", "99999999999999", "银行", "", "", ""],
    ]
    before = state(book)
    for post in (True, False):
        with pytest.raises(Invalid) as exc:
            imports.import_vouchers(demo.accountant, book, csv_bytes(rows), "v.csv", post=post)
        assert "文件「v.csv」第4行「借方金额（debit）」列：借方金额 99,999,999,999,999.00 元超过一条分录的上限 100,000,000.00 元" in exc.value.messages
        assert "文件「v.csv」第5行「贷方金额（credit）」列：贷方金额 99,999,999,999,999.00 元超过一条分录的上限 100,000,000.00 元" in exc.value.messages
        assert state(book) == before


# --- the cash rule -------------------------------------------------------------------------------


@pytest.fixture
def small_cash(demo) -> Book:
    """The accountant's village with 1.00 元 cash on hand and 10,000.00 元 in the bank."""
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(None, "CASH-1", village, "2023", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(None, b, {"101": 100, "102": 1_000_000, "301": -1_000_100})
    services.confirm_opening(None, b)
    return b


def reviewed_payment(demo, book, amount="4500.00") -> Voucher:
    v = services.save_draft(demo.accountant, book, parse(f"2025-03-05 支付村部维修材料款\n  513 {amount} -\n  101 - {amount} cash\n")[0])
    services.submit(demo.accountant, v)
    return services.review(demo.township, v)


def kept(book):
    book.refresh_from_db()
    return (
        book.chain_head, book.posted_count,
        sorted(AccountMonth.objects.filter(book=book).values_list("account_id", "year", "month", "debit", "credit")),
        sorted(RoleYear.objects.filter(book=book).values_list("year", "role", "debit", "credit")),
    )


def test_a_payment_that_takes_cash_below_zero_is_refused_and_touches_nothing(demo, small_cash):
    v = reviewed_payment(demo, small_cash)
    before = kept(small_cash)
    for who in (demo.accountant, demo.township):
        with pytest.raises(Invalid) as exc:
            services.post(who, v)
        assert exc.value.messages == ["「贷方金额」：库存现金余额将为负（-4,499.00元），不能记账"]
    assert kept(small_cash) == before
    v.refresh_from_db()
    assert v.status == "reviewed" and v.number is None and v.seq is None
    # Paying what is on hand is fine, and so is the same payment once cash came in.
    services.post_drafts(None, small_cash, parse("2025-03-04 从银行提取现金\n  101 4499.00 -\n  102 - 4499.00 bank\n"))
    assert services.post(demo.accountant, v).status == "posted"
    assert balance_at_end_of(small_cash, [small_cash.accounts.get(code="101").pk], dt.date(2025, 3, 31)) == 0


def test_a_batch_is_refused_at_the_first_voucher_that_takes_cash_below_zero_naming_its_row(demo, small_cash):
    rows = [
        ["2025-03-05", "记-1", "收到租金", "101", "50.00", "", "现金", "", "", ""],
        ["2025-03-05", "记-1", "收到租金", "504", "", "50.00", "", "", "", ""],
        ["2025-03-06", "记-2", "支付保洁费", "514", "60.00", "", "", "", "", ""],
        ["2025-03-06", "记-2", "支付保洁费", "101", "", "60.00", "现金", "", "", ""],
        ["2025-03-07", "记-3", "收到租金", "101", "100.00", "", "现金", "", "", ""],
        ["2025-03-07", "记-3", "收到租金", "504", "", "100.00", "", "", "", ""],
    ]
    before = state(small_cash)
    with pytest.raises(Invalid) as exc:
        imports.import_vouchers(demo.accountant, small_cash, csv_bytes(rows), "v.csv", post=True)
    # 1.00 + 50.00 − 60.00: the file's second voucher, though the third would make up for it.
    assert exc.value.messages == ["文件「v.csv」第4行「贷方金额（credit）」列：凭证号「记-2」：库存现金余额将为负（-9.00元），不能记账"]
    assert state(small_cash) == before
    # As drafts (nothing posted), the same file is fine: the rule is about the books.
    assert imports.import_vouchers(demo.accountant, small_cash, csv_bytes(rows), "v.csv", post=False)["drafts"] == 3


def test_a_county_may_hold_such_postings_for_the_reviewer(demo, small_cash):
    services.set_negative_cash(demo.county, COUNTY, "hold")
    assert services.negative_cash_mode(small_cash) == "hold"
    v = reviewed_payment(demo, small_cash)
    before = kept(small_cash)
    with pytest.raises(Invalid) as exc:
        services.post(demo.accountant, v)
    assert exc.value.messages == ["「贷方金额」：库存现金余额将为负（-4,499.00元），须由审核人（乡镇或县级监管）记账"]
    assert kept(small_cash) == before
    # The reviewer posts it, having seen it.
    v = services.post(demo.township, v)
    assert v.status == "posted" and v.poster == demo.township
    cash = small_cash.accounts.get(code="101")
    assert balance_at_end_of(small_cash, [cash.pk], dt.date(2025, 3, 31)) == -449_900
    # An import by the accountant is held the same way (imports are all or nothing).
    with pytest.raises(Invalid, match="须由审核人"):
        services.post_drafts(demo.accountant, small_cash, parse("2025-03-06 支付\n  513 1.00 -\n  101 - 1.00 cash\n"))
    assert CountyLedgerSettings.objects.get().county_id == COUNTY
    assert AuditEvent.objects.filter(action="ledger.county_settings.update", actor=demo.county).exists()


def test_only_the_countys_supervisor_sets_it(demo):
    for outsider in (demo.township, demo.accountant, demo.city):
        with pytest.raises(Refused):
            services.set_negative_cash(outsider, COUNTY, "hold")
    assert not CountyLedgerSettings.objects.exists()
    with pytest.raises(Invalid, match="refuse（不予记账）或 hold（留待审核人记账）"):
        services.set_negative_cash(demo.county, COUNTY, "allow")
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.township).exists()


def test_receipts_and_bank_payments_never_meet_the_rule(demo, small_cash):
    # Bank can be overdrawn on paper (an overdraft is a matter for the bank); the rule is cash's.
    services.post_drafts(demo.accountant, small_cash, parse("2025-03-05 支付工程款\n  513 20000.00 -\n  102 - 20000.00 bank\n"))
    services.post_drafts(demo.accountant, small_cash, parse("2025-03-06 收到现金\n  101 5.00 -\n  504 - 5.00\n"))
    assert Entry.objects.filter(voucher__book=small_cash).count() == 4


# --- durability ----------------------------------------------------------------------------------


def test_every_commit_is_synced_to_disk(db):
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA synchronous")
            assert cur.fetchone()[0] == 2  # FULL: the WAL is synced at every commit
            cur.execute("PRAGMA journal_mode")
            assert cur.fetchone()[0] == "wal"
        else:
            cur.execute("SHOW synchronous_commit")
            assert cur.fetchone()[0] == "on"
