"""The spreadsheet reader bounds rows and columns by what is really in the file and by the
limits (SANWU_IMPORT_MAX_ROWS, SANWU_IMPORT_MAX_COLUMNS), never by the size a sheet declares."""

import io
import signal
import time
import zipfile
from contextlib import contextmanager

import pytest
from django.test import override_settings
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from sanwu.core.errors import Invalid
from sanwu.core.readers import read_rows, read_table
from sanwu.core.tables import Column, Table
from sanwu.ledger import imports as importer
from sanwu.ledger.models import Voucher
from tests.ledger.conftest import book  # noqa: F401  (fixture)

ALIASES = {"name": ["名称"], "amount": ["金额"]}

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def hand_made_xlsx(sheet_data: str, dimension: str = "A1:XFD1048576") -> bytes:
    """The smallest XLSX Excel opens, written part by part: one sheet declaring `dimension`."""
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx(rows) -> bytes:
    """The rows (the first one the header) as the site's own exports write them."""
    header, *body = rows
    width = max(len(r) for r in rows)
    columns = [Column(f"c{i}", header[i] if i < len(header) else "") for i in range(width)]
    return Table("导入", columns, [{f"c{i}": v for i, v in enumerate(r)} for r in body]).to_xlsx()


def csv(rows) -> bytes:
    return ("\n".join(",".join(r) for r in rows) + "\n").encode()


@contextmanager
def at_most(seconds: float):
    """Fail (rather than hang for minutes, as the old reader did) when the block runs too long."""
    def expired(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def read_all(data: bytes, name: str):
    keys, rows = read_rows(data, name, ALIASES)
    return keys, list(rows)


def test_a_sheet_declaring_a_million_rows_fails_at_once_with_a_chinese_error():
    bomb = hand_made_xlsx(f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>')
    assert len(bomb) < 2000  # the 1.6 KB file of the issue
    start = time.monotonic()
    with at_most(10), pytest.raises(Invalid) as err:
        read_all(bomb, "凭证.xlsx")
    assert time.monotonic() - start < 2
    (problem,) = err.value.problems
    assert (problem.file, problem.row) == ("凭证.xlsx", 1048576)
    assert str(problem).startswith("文件「凭证.xlsx」第1048576行：超过行数上限：一次最多导入 200,000 行数据")


def test_a_declared_size_is_ignored_the_rows_really_there_are_read():
    small = hand_made_xlsx(
        f'<row r="1">{text_cell("A1", "名称")}{text_cell("B1", "金额")}</row>'
        f'<row r="3">{text_cell("A3", "光伏发电收入")}<c r="B3"><v>1200.5</v></c><c r="XFD3" s="0"/></row>'
    )
    with at_most(10):
        keys, rows = read_all(small, "v.xlsx")
    assert keys == ["name", "amount"] and rows == [(3, {"name": "光伏发电收入", "amount": "1200.5"})]


def test_the_voucher_import_refuses_the_file_and_writes_nothing(demo, book):
    bomb = hand_made_xlsx(f'<row r="1048576">{text_cell("A1048576", "2025-03-05")}</row>')
    start = time.monotonic()
    with at_most(10), pytest.raises(Invalid, match="第1048576行：超过行数上限"):
        importer.import_vouchers(demo.accountant, book, bomb, "凭证.xlsx", post=True)
    assert time.monotonic() - start < 2
    assert not Voucher.objects.filter(book=book).exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_more_than_64_columns_of_content_is_refused_naming_row_and_column(fmt):
    header = ["名称", "金额"]
    row = ["光伏发电收入", "1200.50"] + [""] * 67 + ["多出来的"]  # content in column 70 (BR)
    data = xlsx([header, row]) if fmt == "xlsx" else csv([header, row])
    with pytest.raises(Invalid) as err:
        read_all(data, f"宽表.{fmt}")
    (problem,) = err.value.problems
    assert (problem.file, problem.row) == (f"宽表.{fmt}", 2)
    assert "第70列（BR列）有内容，超过列数上限：最多 64 列" in str(problem)


def test_a_header_wider_than_the_limit_is_refused():
    with pytest.raises(Invalid, match=r"第1行：第65列（BM列）有内容"):
        read_all(csv([["名称"] * 65]), "表头.csv")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_empty_cells_beyond_the_last_column_are_not_content(fmt):
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.append(["名称", "金额"])
        ws.append(["光伏发电收入", "1200.50"])
        ws.cell(row=2, column=200).fill = PatternFill("solid", fgColor="FFFF00")  # formatted, empty
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    else:
        data = csv([["名称", "金额"], ["光伏发电收入", "1200.50"] + [""] * 150])
    _, rows = read_all(data, f"v.{fmt}")
    assert rows == [(2, {"name": "光伏发电收入", "amount": "1200.50"})]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_row_limit_comes_from_the_settings(fmt):
    header = ["名称", "金额"]
    three = [header] + [[f"第{i}项", str(i)] for i in range(1, 4)]
    make = xlsx if fmt == "xlsx" else csv
    with override_settings(SANWU_IMPORT_MAX_ROWS=3, SANWU_IMPORT_MAX_COLUMNS=2):
        _, rows = read_all(make(three), f"v.{fmt}")
        assert [line for line, _ in rows] == [2, 3, 4]
        with pytest.raises(Invalid) as err:
            read_all(make([*three, ["第4项", "4"]]), f"v.{fmt}")
        assert err.value.problems[0].row == 5
        assert "超过行数上限：一次最多导入 3 行数据" in err.value.messages[0]
        with pytest.raises(Invalid, match="第3列（C列）有内容，超过列数上限：最多 2 列"):
            read_all(make([header, ["a", "1", "c"]]), f"v.{fmt}")
        # the positional reader of the voucher import keeps the same limits
        keys, rows = read_table(make(three), f"v.{fmt}", ALIASES)
        assert [values for _, values in rows] == [["第1项", "1"], ["第2项", "2"], ["第3项", "3"]]
        with pytest.raises(Invalid, match="第5行：超过行数上限"):
            list(read_table(make([*three, ["第4项", "4"]]), f"v.{fmt}", ALIASES)[1])
