"""The book and voucher pages through the Django test client: the whole make → submit → review →
post → reverse flow, rejection, periods, accounts, opening balances, attachments, exports, and
the outsiders (another village's accountant, another township, the auditor, anonymous)."""

import datetime as dt
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.core.money import to_capital
from sanwu.ledger import services
from sanwu.ledger.models import Account, Attachment, Book, OpeningBalance, Period, Voucher

from .conftest import post_journal
from .journal import parse

PV_INCOME = """
2025-03-05 收到光伏发电收入
  102  1200.50  -        bank
  501  -        1200.50  pv
"""


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte first
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def url(name, book, *args):
    return reverse(f"ledger:{name}", args=[book.code, *args])


def form_data(date="2025-03-05", summary="收到光伏发电收入", rows=(("102", "1200.50", "", "bank", ""), ("501", "", "1200.50", "", "pv")), then="save", attachments="1"):
    data = {"date": date, "summary": summary, "attachment_count": attachments, "then": then}
    for key in ("account", "entry_summary", "debit", "credit", "counterparty", "settlement", "source"):
        data[key] = []
    for account, debit, credit, settlement, source in rows:
        data["account"].append(account)
        data["entry_summary"].append("")
        data["debit"].append(debit)
        data["credit"].append(credit)
        data["counterparty"].append("县供电公司" if credit else "")
        data["settlement"].append(settlement)
        data["source"].append(source)
    # the form always carries blank rows too; they are ignored
    for key in data:
        if isinstance(data[key], list):
            data[key].append("")
    return data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_submitted(demo, book) -> Voucher:
    v = services.save_draft(demo.accountant, book, parse(PV_INCOME)[0])
    return services.submit(demo.accountant, v)


# --- books -----------------------------------------------------------------------------------


def test_book_list_shows_books_in_scope_with_counts_and_exports(demo, as_user, book, other_book):
    post_journal(demo.accountant, book, f"{services.today():%Y-%m-%d} 本月收入\n  101 10.00 -\n  504 - 10.00\n")
    make_submitted(demo, book)
    page = as_user(demo.accountant).get(reverse("ledger:books"))
    assert page.status_code == 200
    text = page.content.decode()
    assert book.name in text and other_book.name not in text
    row = page.context["page"].object_list[0]
    assert row.counts == {"drafts": 0, "waiting": 1, "reviewed": 0, "posted_month": 1}
    county = as_user(demo.county).get(reverse("ledger:books"))
    assert {b.code for b in county.context["page"]} == {book.code, other_book.code}
    township = as_user(demo.county).get(reverse("ledger:books"), {"township": book.region.parent_id})
    assert [b.code for b in township.context["page"]] == [book.code]
    found = as_user(demo.county).get(reverse("ledger:books"), {"q": other_book.region.name})
    assert [b.code for b in found.context["page"]] == [other_book.code]
    xlsx = as_user(demo.county).get(reverse("ledger:books"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "账套编码" and len(rows) == 3
    assert next(r for r in rows if r[0] == book.code)[7] == 1  # waiting review
    # the menu offers 账簿 to every role
    for user in (demo.city, demo.county, demo.township, demo.accountant, demo.secretary, demo.auditor):
        assert reverse("ledger:books") in as_user(user).get(reverse("home")).content.decode()


def test_book_page_shows_header_and_tabs(demo, as_user, book):
    page = as_user(demo.township).get(url("book", book))
    text = page.content.decode()
    assert page.status_code == 200
    for part in (book.name, book.region.name, "财会〔2023〕14号", "未登记", "凭证", "待审核", "期间", "科目", "期初余额", f"/books/{book.code}/reports/"):
        assert part in text
    assert url("voucher_new", book) not in text  # the township does not make vouchers
    assert url("voucher_new", book) in as_user(demo.accountant).get(url("book", book)).content.decode()


# --- the whole flow --------------------------------------------------------------------------


def test_make_submit_review_post_and_reverse(demo, as_user, book, media):
    acc = as_user(demo.accountant)
    form = acc.get(url("voucher_new", book))
    assert form.status_code == 200
    assert "102 银行存款" in form.content.decode()
    resp = acc.post(url("voucher_new", book), {**form_data(), "receipts": SimpleUploadedFile("发票.png", tiny_png())})
    v = Voucher.objects.get(book=book)
    assert resp.status_code == 302 and resp["Location"] == url("voucher", book, v.pk)
    # the attachment count is the number of files attached in the form (a typed count is ignored)
    assert v.status == "draft" and v.total == 120050 and v.attachment_count == 1 and v.maker == demo.accountant
    assert [a.filename for a in v.attachments.all()] == ["发票.png"]
    assert [(e.account.code, e.debit, e.credit, e.settlement, e.source, e.summary) for e in v.entries.order_by("line")] == [
        ("102", 120050, 0, "bank", "", "收到光伏发电收入"),
        ("501", 0, 120050, "", "pv", "收到光伏发电收入"),
    ]
    detail = acc.get(url("voucher", book, v.pk)).content.decode()
    assert "壹仟贰佰元伍角整" in detail and "1,200.50" in detail
    assert url("voucher_action", book, v.pk, "submit") in detail
    assert url("voucher_action", book, v.pk, "review") not in detail

    assert acc.post(url("voucher_action", book, v.pk, "submit")).status_code == 302
    v.refresh_from_db()
    assert v.status == "submitted"
    # the maker cannot review
    assert acc.post(url("voucher_action", book, v.pk, "review")).status_code == 403
    assert acc.post(url("voucher_action", book, v.pk, "review-post")).status_code == 403
    assert Voucher.objects.get(pk=v.pk).status == "submitted"

    town = as_user(demo.township)
    detail = town.get(url("voucher", book, v.pk)).content.decode()
    for action in ("review", "review-post", "reject"):
        assert url("voucher_action", book, v.pk, action) in detail
    assert town.post(url("voucher_action", book, v.pk, "review")).status_code == 302
    v.refresh_from_db()
    assert v.status == "reviewed" and v.reviewer == demo.township
    assert url("voucher_action", book, v.pk, "post") in acc.get(url("voucher", book, v.pk)).content.decode()
    assert acc.post(url("voucher_action", book, v.pk, "post")).status_code == 302
    v.refresh_from_db()
    assert v.status == "posted" and v.number == 1 and v.poster == demo.accountant
    detail = acc.get(url("voucher", book, v.pk)).content.decode()
    assert "记-0001" in detail and v.hash in detail and to_capital(v.total) in detail
    assert url("voucher_action", book, v.pk, "reverse") in detail
    assert url("voucher_edit", book, v.pk) not in detail
    # a posted voucher cannot be edited
    assert acc.get(url("voucher_edit", book, v.pk)).status_code == 302

    resp = acc.post(url("voucher_action", book, v.pk, "reverse"))
    rev = Voucher.objects.get(reverses=v)
    assert resp["Location"] == url("voucher", book, rev.pk)
    assert rev.status == "draft" and rev.date == services.today() and rev.total == -120050
    rev_page = acc.get(url("voucher", book, rev.pk)).content.decode()
    assert url("voucher", book, v.pk) in rev_page and "负壹仟贰佰元伍角整" in rev_page
    assert url("voucher", book, rev.pk) in acc.get(url("voucher", book, v.pk)).content.decode()
    acc.post(url("voucher_action", book, rev.pk, "submit"))
    assert town.post(url("voucher_action", book, rev.pk, "review-post")).status_code == 302
    rev.refresh_from_db()
    assert rev.status == "posted" and rev.reviewer == demo.township and rev.poster == demo.township
    # a second reversal is not offered, and refused when tried
    assert url("voucher_action", book, v.pk, "reverse") not in acc.get(url("voucher", book, v.pk)).content.decode()
    again = acc.post(url("voucher_action", book, v.pk, "reverse"))
    assert "已有冲销凭证" in again.content.decode()


def test_reject_with_reason_then_correct_and_resubmit(demo, as_user, book):
    v = make_submitted(demo, book)
    town = as_user(demo.township)
    resp = town.post(url("voucher_action", book, v.pk, "reject"), {"reason": "  "})
    assert "请填写退回原因" in resp.content.decode()
    assert Voucher.objects.get(pk=v.pk).status == "submitted"
    town.post(url("voucher_action", book, v.pk, "reject"), {"reason": "缺少发票"})
    v.refresh_from_db()
    assert v.status == "rejected" and v.reject_reason == "缺少发票"
    acc = as_user(demo.accountant)
    assert "缺少发票" in acc.get(url("voucher", book, v.pk)).content.decode()
    edit = acc.get(url("voucher_edit", book, v.pk))
    assert edit.status_code == 200 and "1200.50" in edit.content.decode() and "缺少发票" in edit.content.decode()
    resp = acc.post(url("voucher_edit", book, v.pk), form_data(summary="收到光伏发电收入（补发票）", then="submit"))
    assert resp.status_code == 302
    v.refresh_from_db()
    assert v.status == "submitted" and v.summary == "收到光伏发电收入（补发票）" and v.reject_reason == ""
    assert Voucher.objects.filter(book=book).count() == 1


def test_form_problems_are_shown_and_nothing_is_saved(demo, as_user, book):
    acc = as_user(demo.accountant)
    cases = [
        (form_data(rows=(("102", "100.00", "", "", ""), ("501", "", "99.99", "", ""))), "借贷不平"),
        (form_data(rows=(("102", "1.005", "", "", ""), ("501", "", "1.005", "", ""))), "第1行分录：借方金额"),
        (form_data(rows=(("102", "一百", "", "", ""), ("501", "", "100", "", ""))), "不是数字"),
        (form_data(rows=(("102", "1.00", "", "", ""), ("322", "", "1.00", "", ""))), "第2行分录"),
        (form_data(summary=""), "摘要"),
        (form_data(date="2024-12-31"), "早于账套启用日期"),
    ]
    for data, fragment in cases:
        resp = acc.post(url("voucher_new", book), data)
        assert resp.status_code == 200, fragment
        assert fragment in resp.content.decode(), fragment
    assert not Voucher.objects.filter(book=book).exists()


def test_a_maker_holding_a_reviewing_role_still_cannot_review_her_own(demo, as_user, book):
    from sanwu.regions.services import add_user

    v = make_submitted(demo, book)
    add_user(demo.accountant.username, [("township_supervisor", book.region.parent_id)])
    acc = as_user(demo.accountant)
    assert url("voucher_action", book, v.pk, "review") not in acc.get(url("voucher", book, v.pk)).content.decode()
    resp = acc.post(url("voucher_action", book, v.pk, "review"))
    assert "审核人不能是制单人" in resp.content.decode()
    assert Voucher.objects.get(pk=v.pk).status == "submitted"


def test_delete_draft(demo, as_user, book):
    v = services.save_draft(demo.accountant, book, parse(PV_INCOME)[0])
    acc = as_user(demo.accountant)
    assert url("voucher_action", book, v.pk, "delete") in acc.get(url("voucher", book, v.pk)).content.decode()
    resp = acc.post(url("voucher_action", book, v.pk, "delete"))
    assert resp["Location"] == url("vouchers", book)
    assert not Voucher.objects.filter(pk=v.pk).exists()


# --- lists and exports -----------------------------------------------------------------------


def test_voucher_list_filters_queue_and_excel_export(demo, as_user, book):
    post_journal(
        demo.accountant,
        book,
        PV_INCOME
        + "2025-03-20 支付办公费\n  513 300.00 -\n  101 - 300.00 cash\n"
        + "2025-04-02 收到租金\n  102 5000.00 -\n  501 - 5000.00 rent 张三\n",
    )
    draft = services.save_draft(demo.accountant, book, parse("2025-04-10 草稿\n  101 1.00 -\n  504 - 1.00\n")[0])
    submitted = make_submitted(demo, book)
    c = as_user(demo.township)

    def listed(**params):
        return [v.pk for v in c.get(url("vouchers", book), params).context["page"]]

    assert len(listed()) == 5
    assert listed(status="draft") == [draft.pk]
    assert len(listed(month="2025-03")) == 3  # two posted + the submitted one
    assert len(listed(q="张三")) == 1  # counterparty
    assert len(listed(q="记-0002")) == 1
    assert len(listed(amount="300")) == 1
    assert len(listed(amount="1200.50")) == 2
    bad = c.get(url("vouchers", book), {"amount": "1.234"})
    assert "超过两位小数" in bad.content.decode()
    queue = c.get(url("queue", book))
    assert [v.pk for v in queue.context["page"]] == [submitted.pk]
    empty = c.get(url("vouchers", book), {"q": "没有这种摘要"})
    assert "没有符合条件的凭证" in empty.content.decode()

    xlsx = c.get(url("vouchers", book), {"month": "2025-03", "status": "posted", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("日期", "凭证号", "摘要", "金额", "状态")
    assert [(r[1], r[2], f"{r[3]:.2f}", r[4]) for r in rows[1:]] == [
        ("记-0002", "支付办公费", "300.00", "已记账"),
        ("记-0001", "收到光伏发电收入", "1200.50", "已记账"),
    ]
    entries = c.get(url("vouchers", book), {"month": "2025-04", "status": "posted", "format": "xlsx", "detail": "entries"})
    rows = list(load_workbook(io.BytesIO(entries.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("日期", "凭证号", "摘要", "科目编码", "科目名称", "借方金额")
    assert [(r[1], r[3], f"{r[5]:.2f}", f"{r[6]:.2f}", r[8], r[9]) for r in rows[1:]] == [
        ("记-0001", "102", "5000.00", "0.00", None, None),
        ("记-0001", "501", "0.00", "5000.00", "租赁", "张三"),
    ]


def test_pages_have_empty_states(demo, as_user, book):
    c = as_user(demo.accountant)
    assert "这本账还没有凭证" in c.get(url("vouchers", book)).content.decode()
    assert "没有等待审核或记账的凭证" in c.get(url("queue", book)).content.decode()
    assert "您的管辖范围内还没有账套" in as_user(demo.other_accountant).get(reverse("ledger:books")).content.decode()


# --- attachments -----------------------------------------------------------------------------


def upload(client, book, v, name, data):

    return client.post(url("attachment_add", book, v.pk), {"file": SimpleUploadedFile(name, data)})


def test_attachments_by_content_and_served_through_the_gate(demo, as_user, book, media):
    v = services.save_draft(demo.accountant, book, parse(PV_INCOME)[0])
    acc = as_user(demo.accountant)
    assert upload(acc, book, v, "发票.png", tiny_png()).status_code == 302
    assert upload(acc, book, v, "合同.pdf", TINY_PDF).status_code == 302
    fake = upload(acc, book, v, "收据.jpg", "这其实是一段文字".encode())
    assert fake.status_code == 200 and "不是 JPEG、PNG 或 PDF 文件" in fake.content.decode()
    atts = list(Attachment.objects.filter(voucher=v).order_by("id"))
    assert [(a.filename, a.content_type) for a in atts] == [("发票.png", "image/png"), ("合同.pdf", "application/pdf")]
    v.refresh_from_db()
    assert v.attachment_count == 2
    page = acc.get(url("voucher", book, v.pk)).content.decode()
    assert "附件 2 张" in page and atts[0].sha256[:12] in page and "发票.png" in page
    assert "/media/" not in page
    got = acc.get(url("attachment", book, atts[0].pk))
    assert got.status_code == 200 and got["Content-Type"] == "image/png" and b"".join(got.streaming_content) == tiny_png()
    got = as_user(demo.township).get(url("attachment", book, atts[1].pk), {"download": "1"})
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    assert as_user(demo.auditor).get(url("attachment", book, atts[1].pk)).status_code == 200
    # outside the scope: 404, even guessing the id under one's own book
    assert as_user(demo.other_accountant).get(url("attachment", book, atts[0].pk)).status_code == 404
    assert as_user(demo.other_township).get(url("attachment", book, atts[0].pk)).status_code == 404
    assert as_user(demo.auditor).post(url("attachment_add", book, v.pk)).status_code == 403
    # a voucher with receipts is not deleted
    assert url("voucher_action", book, v.pk, "delete") not in page


def test_attachment_id_of_another_book_is_404(demo, as_user, book, other_book, media):
    v = services.save_draft(None, other_book, parse(PV_INCOME)[0])
    from sanwu.ledger.attachments import add_attachment

    att = add_attachment(None, v, "x.png", tiny_png())
    # the accountant asks for it under her own book's address
    assert as_user(demo.accountant).get(url("attachment", book, att.pk)).status_code == 404
    assert as_user(demo.other_accountant).get(url("attachment", other_book, att.pk)).status_code == 200


# --- periods, year end, accounts, opening balances -------------------------------------------


def test_periods_close_confirm_and_reopen(demo, as_user, book):
    post_journal(demo.accountant, book, PV_INCOME)
    acc, town, county = as_user(demo.accountant), as_user(demo.township), as_user(demo.county)
    page = acc.get(url("periods", book))
    rows = page.context["page"].paginator.object_list
    today = services.today()
    assert (rows[0]["year"], rows[0]["month"]) == (today.year, today.month) and (rows[-1]["year"], rows[-1]["month"]) == (2025, 1)
    assert next(r for r in rows if (r["year"], r["month"]) == (2025, 3))["posted"] == 1
    last = acc.get(url("periods", book), {"page": page.context["page"].paginator.num_pages})
    assert url("period_action", book, 2025, 1, "close") in last.content.decode()
    resp = acc.post(url("period_action", book, 2025, 3, "close"))
    assert "请先结账 2025年1月" in resp.content.decode()
    for m in (1, 2, 3):
        assert acc.post(url("period_action", book, 2025, m, "close")).status_code == 302
    assert Period.objects.get(book=book, year=2025, month=3).status == "audit_hold"
    assert acc.post(url("period_action", book, 2025, 3, "confirm")).status_code == 403
    assert url("period_action", book, 2025, 3, "confirm") in town.get(url("periods", book)).content.decode()
    assert town.post(url("period_action", book, 2025, 3, "confirm")).status_code == 302
    assert Period.objects.get(book=book, year=2025, month=3).status == "closed"
    assert town.post(url("period_action", book, 2025, 3, "reopen"), {"reason": "漏记"}).status_code == 403
    assert "请填写反结账原因" in county.post(url("period_action", book, 2025, 3, "reopen"), {"reason": ""}).content.decode()
    assert county.post(url("period_action", book, 2025, 3, "reopen"), {"reason": "漏记一笔收入"}).status_code == 302
    assert Period.objects.get(book=book, year=2025, month=3).status == "open"
    xlsx = acc.get(url("periods", book), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert ("2025-02", "结账待审", 0, 0) in rows


def test_year_end_preview_and_close(demo, as_user, book):
    post_journal(demo.accountant, book, PV_INCOME + "2025-06-30 支付办公费\n  513 200.00 -\n  101 - 200.00 cash\n")
    acc = as_user(demo.accountant)
    preview = acc.get(url("year_end", book, 2025))
    text = preview.content.decode()
    assert len(preview.context["drafts"]) == 2 and "结转本年收益" in text and "1,200.50" in text and "data-confirm" in text
    assert "data-confirm" not in as_user(demo.auditor).get(url("year_end", book, 2025)).content.decode()
    assert as_user(demo.auditor).post(url("year_end", book, 2025)).status_code == 403
    assert acc.post(url("year_end", book, 2025)).status_code == 302
    assert Voucher.objects.filter(book=book, status="posted", date=dt.date(2025, 12, 31)).count() == 2
    assert "没有需要结转的损益" in acc.get(url("year_end", book, 2025)).content.decode()
    assert acc.get(url("year_end", book, 2019)).status_code == 404


def test_accounts_page_adds_a_sub_account(demo, as_user, book):
    acc = as_user(demo.accountant)
    page = acc.get(url("accounts", book))
    assert "经营收入" in page.content.decode() and "增设明细科目" in page.content.decode()
    bad = acc.post(url("accounts", book), {"parent": "501", "code": "5011", "name": "x"})
    assert "上级编码「501」加两位数字" in bad.content.decode()
    resp = acc.post(url("accounts", book), {"parent": "501", "code": "50101", "name": "光伏发电收入", "default_source": "pv"})
    assert resp.status_code == 302
    sub = Account.objects.get(book=book, code="50101")
    assert sub.default_source == "pv" and not Account.objects.get(book=book, code="501").is_leaf
    form = acc.get(url("voucher_new", book)).content.decode()
    assert 'value="50101" data-income="1" data-source="pv"' in form and 'value="501"' not in form
    assert "增设明细科目" not in as_user(demo.auditor).get(url("accounts", book)).content.decode()
    xlsx = acc.get(url("accounts", book), {"format": "xlsx"})
    codes = [r[0] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)]
    assert "50101" in codes


def test_opening_balances_entered_checked_and_confirmed(demo, as_user):
    village = demo.accountant.role_assignments.get().region_id
    book = services.create_book(demo.county, "NEW-1", village, "2004", start_date=dt.date(2025, 1, 1))
    acc = as_user(demo.accountant)
    page = acc.get(url("opening", book)).content.decode()
    assert 'name="amount_101"' in page and 'name="amount_501"' not in page  # no opening for income
    assert acc.post(url("voucher_new", book), form_data(rows=(("102", "1", "", "", ""), ("501", "", "1", "", "")))).status_code == 200
    unbalanced = {"amount_101": "500", "side_101": "debit", "amount_102": "10000", "side_102": "debit", "amount_301": "10000", "side_301": "credit", "then": "confirm"}
    resp = acc.post(url("opening", book), unbalanced)
    assert "借方多 500.00 元" in resp.content.decode()
    book.refresh_from_db()
    assert not book.opening_confirmed
    assert dict(OpeningBalance.objects.filter(book=book).values_list("account__code", "balance")) == {"101": 50000, "102": 1000000, "301": -1000000}
    resp = acc.post(url("opening", book), {**unbalanced, "amount_301": "10,500.00"})
    assert resp.status_code == 302
    book.refresh_from_db()
    assert book.opening_confirmed
    page = acc.get(url("opening", book)).content.decode()
    assert "已确认" in page and 'name="amount_101"' not in page and "10,500.00" in page
    assert "超过两位小数" in as_user(demo.accountant).post(
        url("opening", services.create_book(demo.county, "NEW-2", village, "2023", start_date=dt.date(2025, 1, 1))), {"amount_101": "1.001"}
    ).content.decode()


# --- outsiders -------------------------------------------------------------------------------


def every_page(book, v, att) -> list[str]:
    return [
        url("book", book), url("vouchers", book), url("queue", book), url("voucher_new", book), url("voucher", book, v.pk),
        url("voucher_edit", book, v.pk), url("periods", book), url("year_end", book, 2025), url("accounts", book),
        url("opening", book), url("attachment", book, att.pk), url("vouchers", book) + "?format=xlsx",
    ]


def every_post(book, v) -> list[tuple[str, dict]]:
    posts = [(url("voucher_action", book, v.pk, a), {"reason": "x"}) for a in ("submit", "review", "review-post", "post", "reject", "reverse", "delete")]
    return posts + [
        (url("voucher_new", book), form_data()),
        (url("voucher_edit", book, v.pk), form_data()),
        (url("attachment_add", book, v.pk), {}),
        (url("period_action", book, 2025, 1, "close"), {}),
        (url("period_action", book, 2025, 1, "confirm"), {}),
        (url("period_action", book, 2025, 1, "reopen"), {"reason": "x"}),
        (url("year_end", book, 2025), {}),
        (url("accounts", book), {"parent": "501", "code": "50101", "name": "x"}),
        (url("opening", book), {"amount_101": "1", "then": "confirm"}),
    ]


@pytest.fixture
def scene(demo, book, media):
    from sanwu.ledger.attachments import add_attachment

    v = services.save_draft(demo.accountant, book, parse(PV_INCOME)[0])
    att = add_attachment(demo.accountant, v, "a.png", tiny_png())
    return book, v, att


@pytest.mark.parametrize("persona", ["other_accountant", "other_township"])
def test_outsiders_get_404_on_every_page_and_post(demo, as_user, scene, persona):
    book, v, att = scene
    c = as_user(getattr(demo, persona))
    for address in every_page(book, v, att):
        assert c.get(address).status_code == 404, address
    for address, data in every_post(book, v):
        assert c.post(address, data).status_code == 404, address
    assert book.name not in c.get(reverse("ledger:books")).content.decode()
    assert Voucher.objects.get(pk=v.pk).status == "draft"


def test_auditor_sees_everything_but_every_post_is_refused(demo, as_user, scene):
    book, v, att = scene
    c = as_user(demo.auditor)
    for address in every_page(book, v, att):
        expected = 403 if address in (url("voucher_new", book), url("voucher_edit", book, v.pk)) else 200
        assert c.get(address).status_code == expected, address
    assert url("voucher_action", book, v.pk, "submit") not in c.get(url("voucher", book, v.pk)).content.decode()
    services.submit(demo.accountant, v)
    for address, data in every_post(book, v):
        assert c.post(address, data).status_code == 403, address
    assert Voucher.objects.get(pk=v.pk).status == "submitted"
    assert not Period.objects.filter(book=book).exists()
    assert not Account.objects.filter(book=book, code="50101").exists()


def test_the_secretary_reads_but_does_not_write(demo, as_user, scene):
    book, v, att = scene
    c = as_user(demo.secretary)
    assert c.get(url("voucher", book, v.pk)).status_code == 200
    assert c.post(url("voucher_action", book, v.pk, "submit")).status_code == 403
    assert c.post(url("voucher_new", book), form_data()).status_code == 403


def test_anonymous_is_sent_to_login(client, scene):
    book, v, att = scene
    for address in every_page(book, v, att) + [reverse("ledger:books")]:
        resp = client.get(address)
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("login")), address
    for address, data in every_post(book, v):
        resp = client.post(address, data)
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("login")), address
    assert Book.objects.filter(pk=book.pk).exists() and Voucher.objects.get(pk=v.pk).status == "draft"


def test_pages_carry_no_inline_script_handler_or_style(demo, as_user, scene):
    import re

    book, v, att = scene
    pages = [a for a in every_page(book, v, att) if "format=" not in a and "/attachments/" not in a] + [reverse("ledger:books")]
    for address in pages:
        body = as_user(demo.accountant).get(address).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag, (address, tag)
        assert not re.search(r"<[^>]+\son[a-z]+=", body), address
        assert not re.search(r"<[^>]+\sstyle=", body), address
