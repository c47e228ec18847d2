"""Voucher import from CSV and XLSX: good files (Chinese and English headers, GBK), every bad
case reported by row and column with the book left exactly as it was, drafts vs posting, the
upload page, and the outsiders."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.ledger import imports, services
from sanwu.ledger.models import AccountMonth, Entry, SourceMonth, Voucher
from sanwu.ledger.services.reports import trial_balance
from sanwu.ledger.services.verify import verify_book

from ..conftest import client_for
from .conftest import post_journal

HEAD_ZH = ["日期", "凭证号", "摘要", "科目编码", "借方金额", "贷方金额", "结算方式", "收入来源", "往来单位", "附件数"]
HEAD_EN = ["date", "voucher_no", "summary", "account", "debit", "credit", "settlement", "source", "counterparty", "attachments"]
COL = {k: i for i, k in enumerate(HEAD_EN)}

# Lines 2–7 of the file (line 1 is the header).
GOOD = [
    ["2025-03-05", "记-1", "收到光伏发电收入", "102", "1200.50", "", "银行", "", "国网岳西供电公司", "2"],
    ["2025-03-05", "记-1", "收到光伏发电收入", "501", "", "1,200.50", "", "光伏", "国网岳西供电公司", ""],
    ["2025/3/6", "记-2", "支付办公费", "513", "300", "", "", "", "", ""],
    ["2025/3/6", "记-2", "支付办公费", "101", "", "300.00", "现金", "", "", ""],
    ["2025-04-02", "记-1", "红字冲销多记的电费", "102", "-200.00", "", "bank", "", "", ""],
    ["2025-04-02", "记-1", "红字冲销多记的电费", "501", "", "-200.00", "", "pv", "", ""],
]


def csv_bytes(rows, header=HEAD_ZH, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(f'"{c}"' if "," in c else c for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows, header=HEAD_EN) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def changed(rows, line: int, key: str, value: str):
    """A copy of `rows` with the cell at file line `line`, column `key` replaced."""
    out = [list(r) for r in rows]
    out[line - 2][COL[key]] = value
    return out


def state(book):
    """Everything an import could touch in a book."""
    book.refresh_from_db()
    return (
        Voucher.objects.filter(book=book).count(),
        Entry.objects.filter(voucher__book=book).count(),
        AccountMonth.objects.filter(book=book).count(),
        SourceMonth.objects.filter(book=book).count(),
        book.chain_head,
        book.posted_count,
    )


def has(problems, row, field, fragment, file="v.csv"):
    return any(p.row == row and p.field == field and fragment in p.message and p.file == file for p in problems)


def test_good_csv_with_chinese_headers_posts_every_voucher(demo, book):
    result = imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=True)
    assert result == {"vouchers": 3, "entries": 6, "posted": 3, "drafts": 0, "months": ["2025-03", "2025-04"]}
    vs = list(Voucher.objects.filter(book=book).order_by("seq"))
    assert [(v.label, v.source_no, v.status, v.total) for v in vs] == [
        ("2025-03 记-0001", "记-1", "posted", 120050),
        ("2025-03 记-0002", "记-2", "posted", 30000),
        ("2025-04 记-0001", "记-1", "posted", -20000),
    ]
    assert vs[0].attachment_count == 2 and vs[0].maker == demo.accountant
    first = list(vs[0].entries.order_by("line").values_list("account__code", "debit", "credit", "settlement", "source", "counterparty"))
    assert first == [("102", 120050, 0, "bank", "", "国网岳西供电公司"), ("501", 0, 120050, "", "pv", "国网岳西供电公司")]
    assert vs[1].entries.get(line=2).settlement == "cash"
    assert SourceMonth.objects.get(book=book, source="pv", month=3).credit == 120050
    assert SourceMonth.objects.get(book=book, source="pv", month=4).credit == -20000
    tb = trial_balance(book, 2025, 3, 4)
    rows = {r["code"]: r for r in tb["rows"]}
    assert rows["102"]["closing_debit"] == 100050 and rows["501"]["closing_credit"] == 100050 and tb["balanced"]
    assert verify_book(book).ok
    assert AuditEvent.objects.filter(action="voucher.import", actor=demo.accountant, object_id=str(book.pk)).exists()


def test_good_xlsx_with_english_headers_saves_drafts(demo, book):
    rows = [list(r) for r in GOOD]
    rows[0][COL["debit"]] = 1200.5  # a number cell, as Excel keeps it
    rows[2][COL["date"]] = dt.datetime(2025, 3, 6)  # a date cell
    rows[2][COL["debit"]] = 300
    before = state(book)
    result = imports.import_vouchers(demo.accountant, book, xlsx_bytes(rows), "v.xlsx", post=False)
    assert result["drafts"] == 3 and result["posted"] == 0
    drafts = list(Voucher.objects.filter(book=book).order_by("id"))
    assert [(v.status, v.number, v.source_no, v.total, v.date) for v in drafts] == [
        ("draft", None, "记-1", 120050, dt.date(2025, 3, 5)),
        ("draft", None, "记-2", 30000, dt.date(2025, 3, 6)),
        ("draft", None, "记-1", -20000, dt.date(2025, 4, 2)),
    ]
    # Drafts touch neither the chain nor the kept totals until they go through review.
    after = state(book)
    assert after[2:] == before[2:]
    v = services.submit(demo.accountant, drafts[0])
    services.review_and_post(demo.township, v)
    assert Voucher.objects.get(pk=v.pk).label == "2025-03 记-0001"
    assert verify_book(book).ok


def test_gbk_encoded_csv(demo, book):
    imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD, encoding="gbk"), "v.csv", post=True)
    assert Voucher.objects.filter(book=book, summary="收到光伏发电收入", status="posted").count() == 1
    assert Entry.objects.filter(voucher__book=book, counterparty="国网岳西供电公司").count() == 2


def test_sub_account_default_source_fills_in(demo, book):
    services.add_sub_account(demo.accountant, book, "501", "50101", "光伏发电收入", default_source="pv")
    rows = [["2025-05-01", "7", "电费", "102", "88.00", "", "", "", "", ""], ["2025-05-01", "7", "电费", "50101", "", "88.00", "", "", "", ""]]
    imports.import_vouchers(demo.accountant, book, csv_bytes(rows), "v.csv", post=True)
    assert SourceMonth.objects.get(book=book, source="pv").credit == 8800


@pytest.mark.parametrize(
    "rows,line,field,fragment",
    [
        (changed(GOOD, 3, "account", "599"), 3, "account", "「599」在本账套中不存在"),
        (changed(GOOD, 3, "account", "322"), 3, "account", "有明细科目"),
        (changed(GOOD, 3, "credit", "1200.49"), 2, "debit", "凭证号「记-1」（第2至3行）借贷不平"),
        (changed(changed(GOOD, 2, "date", "2025-02-30"), 3, "date", "2025-02-30"), 2, "date", "日期「2025-02-30」无效"),
        (changed(GOOD, 4, "date", "昨天"), 4, "date", "无效"),
        (changed(GOOD, 5, "date", "2025-03-07"), 5, "date", "不一致"),
        (changed(changed(GOOD, 2, "date", "2099-01-01"), 3, "date", "2099-01-01"), 2, "date", "晚于今天"),
        (changed(changed(GOOD, 2, "date", "2024-12-31"), 3, "date", "2024-12-31"), 2, "date", "早于账套启用日期"),
        (changed(changed(GOOD, 2, "debit", "1200.505"), 3, "credit", "1200.505"), 2, "debit", "超过两位小数"),
        (changed(GOOD, 3, "credit", "一千二"), 3, "credit", "不是数字"),
        (changed(GOOD, 4, "debit", "300元"), 4, "debit", "不是数字"),
        (changed(GOOD, 4, "debit", ""), 4, "debit", "金额不能为零"),
        (changed(GOOD, 4, "credit", "300"), 4, "debit", "不能同时有借方和贷方"),
        (changed(GOOD, 2, "settlement", "支票"), 2, "settlement", "结算方式「支票」无效"),
        (changed(GOOD, 3, "source", "彩票"), 3, "source", "收入来源「彩票」无效"),
        (changed(GOOD, 3, "voucher_no", ""), 3, "voucher_no", "凭证号不能为空"),
        (changed(GOOD, 2, "attachments", "两张"), 2, "attachments", "附件数"),
        (changed(changed(GOOD, 2, "summary", ""), 3, "summary", ""), 2, "summary", "摘要不能为空"),
        (changed(GOOD, 2, "summary", "长" * 201), 2, "summary", "摘要超过200个字"),
        # The same number again later in the same month: a duplicate, not the same voucher.
        (GOOD[:4] + [["2025-03-09", "记-1", "又一张", "101", "1.00", "", "", "", "", ""], ["2025-03-09", "记-1", "又一张", "504", "", "1.00", "", "", "", ""]],
         6, "voucher_no", "凭证号「记-1」与第2行的凭证重复"),
    ],
)
def test_a_bad_row_fails_the_whole_file_naming_row_and_column(demo, book, rows, line, field, fragment):
    before = state(book)
    for post in (True, False):
        with pytest.raises(Invalid) as exc:
            imports.import_vouchers(demo.accountant, book, csv_bytes(rows), "v.csv", post=post)
        assert has(exc.value.problems, line, field, fragment), exc.value.messages
        assert re.search(f"文件「v.csv」第{line}行「[^」]*{field}", str(exc.value))
        assert state(book) == before


def test_every_problem_is_listed_at_once(demo, book):
    rows = changed(changed(changed(GOOD, 3, "account", "599"), 4, "debit", "3.001"), 7, "source", "彩票")
    rows = changed(rows, 5, "credit", "abc")
    with pytest.raises(Invalid) as exc:
        imports.import_vouchers(demo.accountant, book, csv_bytes(rows), "v.csv", post=True)
    found = [(p.row, p.field) for p in exc.value.problems]
    assert found == [(3, "account"), (4, "debit"), (5, "credit"), (7, "source")]
    assert not Voucher.objects.filter(book=book).exists()


def test_missing_required_columns(demo, book):
    header = [h for h in HEAD_ZH if h not in ("科目编码", "贷方金额")]
    rows = [[c for i, c in enumerate(r) if i not in (COL["account"], COL["credit"])] for r in GOOD]
    with pytest.raises(Invalid) as exc:
        imports.import_vouchers(demo.accountant, book, csv_bytes(rows, header=header), "v.csv", post=True)
    assert has(exc.value.problems, 1, "account", "缺少必需的列「科目编码（account）」")
    assert has(exc.value.problems, 1, "credit", "缺少必需的列「贷方金额（credit）」")
    with pytest.raises(Invalid, match="表头「金额」无法识别"):
        imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD, header=HEAD_ZH[:4] + ["金额"] + HEAD_ZH[5:]), "v.csv", post=True)
    with pytest.raises(Invalid, match="没有数据行"):
        imports.import_vouchers(demo.accountant, book, csv_bytes([]), "v.csv", post=True)
    with pytest.raises(Invalid, match="不支持的文件类型"):
        imports.import_vouchers(demo.accountant, book, b"x", "v.pdf", post=True)
    assert not Voucher.objects.filter(book=book).exists()


def test_a_file_imported_twice_is_refused_the_second_time(demo, book):
    imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=True)
    before = state(book)
    with pytest.raises(Invalid) as exc:
        imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=True)
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "voucher_no"), (4, "voucher_no"), (6, "voucher_no")]
    assert "凭证号「记-1」（2025年3月）已导入过本账套" in exc.value.messages[0]
    assert state(book) == before
    # Drafts count as imported too.
    other = [["2025-05-01", "X9", "草稿", "101", "1.00", "", "", "", "", ""], ["2025-05-01", "X9", "草稿", "504", "", "1.00", "", "", "", ""]]
    imports.import_vouchers(demo.accountant, book, csv_bytes(other), "v.csv", post=False)
    with pytest.raises(Invalid, match="已导入过"):
        imports.import_vouchers(demo.accountant, book, csv_bytes(other), "v.csv", post=True)


def test_per_month_numbering_of_the_source_file_is_accepted(demo, book):
    # 记-1 in March and 记-1 in April are two vouchers (GOOD has exactly that).
    imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=True)
    assert Voucher.objects.filter(book=book, source_no="记-1").count() == 2


def test_adjacent_months_with_the_same_number_are_two_vouchers(demo, book):
    # The last voucher of March and the first of April both numbered 记-1, side by side.
    rows = [GOOD[0], GOOD[1], GOOD[4], GOOD[5]]
    imports.import_vouchers(demo.accountant, book, csv_bytes(rows), "v.csv", post=True)
    assert sorted(v.label for v in Voucher.objects.filter(book=book)) == ["2025-03 记-0001", "2025-04 记-0001"]


def test_closed_period_fails_the_file(demo, book):
    services.close_month(demo.accountant, book, 2025, 1)
    services.close_month(demo.accountant, book, 2025, 2)
    services.close_month(demo.accountant, book, 2025, 3)
    before = state(book)
    with pytest.raises(Invalid) as exc:
        imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=True)
    assert has(exc.value.problems, 2, "date", "2025年3月已结账") and has(exc.value.problems, 4, "date", "2025年3月已结账")
    assert not any(p.row == 6 for p in exc.value.problems)  # April is open
    with pytest.raises(Invalid, match="已结账"):
        imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=False)
    assert state(book) == before


def test_unconfirmed_opening_balances_are_one_problem(demo):
    village = demo.accountant.role_assignments.get().region_id
    b = services.create_book(None, "NEW", village, "2023", start_date=dt.date(2025, 1, 1))
    with pytest.raises(Invalid) as exc:
        imports.import_vouchers(demo.accountant, b, csv_bytes(GOOD), "v.csv", post=True)
    assert len(exc.value.problems) == 1 and "期初余额尚未确认" in exc.value.messages[0]


def test_outsiders_cannot_import(demo, book, other_book):
    before = state(book)
    for user in (demo.other_accountant, demo.other_township, demo.auditor, demo.secretary):
        for post in (True, False):
            with pytest.raises(Refused):
                imports.import_vouchers(user, book, csv_bytes(GOOD), "v.csv", post=post)
    # The accountant of this village cannot import into the other village's book either.
    with pytest.raises(Refused):
        imports.import_vouchers(demo.accountant, other_book, csv_bytes(GOOD), "v.csv", post=True)
    assert state(book) == before
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.other_accountant).exists()


def test_township_may_import_and_post_but_not_make_drafts(demo, book):
    with pytest.raises(Refused):
        imports.import_vouchers(demo.township, book, csv_bytes(GOOD), "v.csv", post=False)
    imports.import_vouchers(demo.township, book, csv_bytes(GOOD), "v.csv", post=True)
    assert Voucher.objects.filter(book=book, status="posted", poster=demo.township).count() == 3


def test_import_after_existing_vouchers_continues_numbering_and_chain(demo, book):
    post_journal(demo.accountant, book, "2025-03-01 先记一张\n  101 5.00 -\n  504 - 5.00\n")
    imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=True)
    labels = list(Voucher.objects.filter(book=book).order_by("seq").values_list("number", "month"))
    assert labels == [(1, 3), (2, 3), (3, 3), (1, 4)]
    assert verify_book(book).ok


def test_progress_is_reported(demo, book):
    calls = []
    imports.import_vouchers(demo.accountant, book, csv_bytes(GOOD), "v.csv", post=True, progress=lambda *a: calls.append(a))
    assert ("check", 6, 6) in calls and calls[-1] == ("write", 3, 3) and ("write", 0, 3) in calls


# --- the upload page ------------------------------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_page_good_file_posts_and_reports_counts(demo, book):
    url = reverse("ledger:import_vouchers", args=[book.code])
    c = client_for(demo.accountant)
    page = c.get(url)
    assert page.status_code == 200 and "直接记账" in page.content.decode() and "import.js" in page.content.decode()
    resp = c.post(url, {"file": upload("v.csv", csv_bytes(GOOD)), "post": "on"}, follow=True)
    body = resp.content.decode()
    assert resp.status_code == 200 and "导入完成：凭证 3 张、分录 6 条，已记账 3 张" in body
    assert Voucher.objects.filter(book=book, status="posted").count() == 3


def test_page_without_post_saves_drafts(demo, book):
    c = client_for(demo.accountant)
    url = reverse("ledger:import_vouchers", args=[book.code])
    resp = c.post(url, {"file": upload("v.csv", csv_bytes(GOOD))}, follow=True)
    assert "存为草稿 3 张" in resp.content.decode()
    assert set(Voucher.objects.filter(book=book).values_list("status", flat=True)) == {"draft"}


def test_page_bad_file_lists_every_problem_and_writes_nothing(demo, book):
    c = client_for(demo.accountant)
    url = reverse("ledger:import_vouchers", args=[book.code])
    rows = changed(changed(GOOD, 3, "account", "599"), 4, "debit", "3.001")
    before = state(book)
    resp = c.post(url, {"file": upload("坏.csv", csv_bytes(rows)), "post": "on"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "未保存任何数据" in body
    assert re.search("文件「坏.csv」第3行「[^」]*account[^」]*」列：科目「599」在本账套中不存在", body)
    assert re.search("第4行「[^」]*debit[^」]*」列：金额「3.001」超过两位小数", body)
    assert state(book) == before
    resp = c.post(url, {"post": "on"})
    assert "请选择要导入的" in resp.content.decode()


def test_page_htmx_request_answers_with_the_result(demo, book):
    c = client_for(demo.accountant)
    url = reverse("ledger:import_vouchers", args=[book.code])
    resp = c.post(url, {"file": upload("v.csv", csv_bytes(GOOD)), "post": "on"}, headers={"HX-Request": "true"})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'id="import-result"' in body and "已记账 3 张" in body


def test_page_outsiders(demo, book, other_book):
    url = reverse("ledger:import_vouchers", args=[book.code])
    assert client_for(demo.other_accountant).get(url).status_code == 404
    assert client_for(demo.other_accountant).post(url, {"file": upload("v.csv", csv_bytes(GOOD)), "post": "on"}).status_code == 404
    assert client_for(demo.other_township).get(url).status_code == 404
    assert client_for(demo.secretary).get(url).status_code == 403
    assert client_for(demo.auditor).get(url).status_code == 403
    anon = Client().get(url)
    assert anon.status_code == 302 and "/accounts/login/" in anon["Location"]
    other_url = reverse("ledger:import_vouchers", args=[other_book.code])
    assert client_for(demo.accountant).post(other_url, {"file": upload("v.csv", csv_bytes(GOOD)), "post": "on"}).status_code == 404
    assert not Voucher.objects.exists()
    assert client_for(demo.township).get(url).status_code == 200
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.other_accountant).exists()


def test_counterparty_kind_column_is_read_and_checked(demo, book):
    """往来单位类别 (optional): 个人 / 单位 stored on the entries; a bad value names file, row and column."""
    head = [*HEAD_ZH, "往来单位类别"]
    rows = [[*r, kind] for r, kind in zip(GOOD, ["单位", "organisation", "", "", "", ""])]
    rows[3][COL["counterparty"]], rows[3][-1] = "王小明", "个人"
    imports.import_vouchers(demo.accountant, book, csv_bytes(rows, header=head), "v.csv", post=True)
    kinds = {(e.counterparty, e.counterparty_kind) for e in Entry.objects.filter(voucher__book=book) if e.counterparty}
    assert kinds == {("国网岳西供电公司", "organisation"), ("王小明", "person")}
    assert verify_book(book).ok

    bad = [[*r, ""] for r in GOOD]
    bad[2][-1] = "村民"
    before = state(book)
    with pytest.raises(Invalid) as exc:
        imports.import_vouchers(demo.accountant, book, csv_bytes(bad, header=head), "w.csv", post=True)
    assert has(exc.value.problems, 4, "counterparty_kind", "往来单位类别「村民」无效", file="w.csv")
    assert "文件「w.csv」第4行「往来单位类别（counterparty_kind）」列" in str(exc.value)
    assert state(book) == before


def test_entry_export_carries_the_counterparty_kind(demo, book):
    rows = [[*r, "单位" if r[COL["counterparty"]] else ""] for r in GOOD]
    imports.import_vouchers(demo.accountant, book, csv_bytes(rows, header=[*HEAD_ZH, "往来单位类别"]), "v.csv", post=True)
    resp = client_for(demo.accountant).get(reverse("ledger:vouchers", args=[book.code]), {"format": "csv", "detail": "entries"})
    text = b"".join(resp.streaming_content).decode("utf-8-sig") if resp.streaming else resp.content.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.endswith(",counterparty_kind") and first.endswith(",单位")  # the key the import reads back
