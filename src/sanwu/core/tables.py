"""One tabular shape for every export: web Excel downloads, CLI --format csv|json|xlsx, PDFs.

A `Table` is a title, ordered columns (key, Chinese label) and rows of plain values; money
columns hold fen and are written as yuan with two decimals.

Text is written as text: `xlsx_cell` (XLSX) and `safe_text` (CSV) are the one way any export puts
a string into a spreadsheet, so that a villager's question or an imported summary starting with
`=`, `+`, `-`, `@`, a tab or a carriage return is never run as a formula (OWASP "CSV injection").
"""

import csv
import datetime as dt
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from .money import fen_to_decimal


@dataclass
class Column:
    key: str
    label: str
    money: bool = False  # value in fen, shown as yuan
    width: int = 0


@dataclass
class Table:
    """`rows` is any iterable of dicts: a list, or a generator that reads the database in chunks
    (a long export then holds one chunk at a time); a generator is read once."""

    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def value(self, row: dict, col: Column):
        v = row.get(col.key)
        if col.money and v is not None and v != "":
            return fen_to_decimal(int(v))
        return v

    # --- formats -------------------------------------------------------------------------
    def write_xlsx(self, out, progress=None) -> None:
        """The table as an XLSX workbook written to the binary file `out`, the one XLSX writer of
        every export: the sheet's XML is written here row by row into the zip (`xlsx_cell`), so
        memory stays flat however long the table is and no cell object is made. Text is inline
        text (never a formula; one that starts like a formula has Excel's quote prefix), numbers
        and dates keep their types, amounts their "#,##0.00". `progress(rows_written)` is called
        every 1,000 rows and at the end."""
        letters = [get_column_letter(i) for i in range(1, len(self.columns) + 1)]
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{c.width or max(10, min(40, len(c.label) * 2 + 4))}" customWidth="1"/>'
            for i, c in enumerate(self.columns, start=1)
        )
        header = "".join(xlsx_cell(f"{x}1", c.label, _HEADER) for x, c in zip(letters, self.columns))
        plan = [(x, c.key, c.money) for x, c in zip(letters, self.columns)]
        n = 0
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as zf:
            for name, text in _xlsx_parts(_sheet_name(self.title)):
                zf.writestr(name, text)
            with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write((_SHEET_HEAD.format(cols=cols) + f'<row r="1">{header}</row>').encode())
                lines = []
                for n, row in enumerate(self.rows, start=1):
                    r = n + 1
                    cells = []
                    for x, key, money in plan:
                        v = row.get(key)
                        if v is None or v == "":
                            continue
                        if money:
                            v = fen_to_decimal(int(v))
                        cells.append(xlsx_cell(f"{x}{r}", v, _MONEY if money else 0))
                    lines.append(f'<row r="{r}">{"".join(cells)}</row>')
                    if n % 1000 == 0:
                        sheet.write("".join(lines).encode())
                        lines.clear()
                        if progress is not None:
                            progress(n)
                lines.append("</sheetData></worksheet>")
                sheet.write("".join(lines).encode())
        if progress is not None:
            progress(n)

    def to_xlsx(self) -> bytes:
        buf = io.BytesIO()
        self.write_xlsx(buf)
        return buf.getvalue()

    def csv_lines(self):
        """The CSV text line by line (for a streamed download)."""
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([safe_text(c.key) for c in self.columns])
        yield buf.getvalue()
        for row in self.rows:
            buf.seek(0)
            buf.truncate()
            writer.writerow([safe_text(self.value(row, c)) for c in self.columns])
            yield buf.getvalue()

    def to_csv(self) -> str:
        return "".join(self.csv_lines())

    def to_json(self) -> str:
        out = [{c.key: _jsonable(self.value(row, c)) for c in self.columns} for row in self.rows]
        return json.dumps(out, ensure_ascii=False, indent=1)

    def to_pdf(self, subtitle: str = "") -> bytes:
        """The table printed (A4, landscape past six columns; `templates/pdf/table.html`): every
        value as people read it (`cli_support.cell_text`). For lists of a few thousand rows — a
        roster, a register — not for the long exports, which are made in the background."""
        from .cli_support import cell_text
        from .dates import today
        from .pdf import render_pdf

        numeric = [c.money for c in self.columns]
        rows = [[(cell_text(row, c), num) for c, num in zip(self.columns, numeric)] for row in self.rows]
        return render_pdf("pdf/table.html", {
            "title": self.title, "subtitle": subtitle, "columns": self.columns, "rows": rows, "money": any(numeric),
            "landscape": len(self.columns) > 6, "printed": today(),
        })

    def render(self, fmt: str) -> bytes:
        if fmt == "xlsx":
            return self.to_xlsx()
        if fmt == "csv":
            return self.to_csv().encode("utf-8")
        if fmt == "json":
            return self.to_json().encode("utf-8")
        raise ValueError(f"不支持的格式「{fmt}」（可用 csv、json、xlsx）")


# What makes a spreadsheet read a cell as a formula (OWASP): these as the first character.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX file (XML 1.0 in UTF-8) cannot hold at all: control characters other than tab
# and line breaks, U+FFFE/U+FFFF and lone surrogates. They are dropped, not a failed export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# --- the XLSX writer (`Table.write_xlsx`) ----------------------------------------------------
# Styles (indexes into styles.xml's cellXfs, written by `_xlsx_parts`).
_HEADER, _MONEY, _DATE, _DATETIME, _TIME, _QUOTED = 1, 2, 3, 4, 5, 6
# What a text needs besides being written as it is: a character to drop, to write as XML, or an
# underscore that Excel would read as the start of an escape such as "_x000D_" (ECMA-376 Part 1,
# ST_Xstring: Excel and LibreOffice show "_x0041_" in a cell as "A"), written as "_x005F_" (an
# underscore) so that the cell shows the text as it was.
_TEXT_WORK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff&<>\r]|_x[0-9A-Fa-f]{4}_")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # a CR as a reference: kept
_EXCEL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_EXCEL_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")
EXCEL_MAX_TEXT = 32767  # characters in one cell; Excel reports a longer one as a damaged file
_ZIP_LEVEL = 1  # deflate's fastest level: the sheet's repetitive XML still shrinks about tenfold


def _xlsx_text(s: str) -> str:
    """A string as the XML of an inline text cell's <t>, "" if nothing of it can be written."""
    work = _TEXT_WORK.search(s)
    if work:
        s = _NOT_XML.sub("", s)
    s = s[:EXCEL_MAX_TEXT]
    if not s:
        return ""
    edge = s[0].isspace() or s[-1].isspace()  # kept only when said so
    if work:
        s = _EXCEL_ESCAPE.sub("_x005F_", s).translate(_XML_ESCAPES)
    return f'<t xml:space="preserve">{s}</t>' if edge else f"<t>{s}</t>"


def xlsx_cell(ref: str, v, style: int = 0) -> str:
    """The <c> element of cell `ref` holding `v` as typed ("" for nothing): text is an inline string
    (with Excel's quote prefix if it starts like a formula), a number a number (with `style`, e.g.
    the amounts'), a date or time a serial with its format; anything else as its text."""
    if isinstance(v, str):
        x = _xlsx_text(v)
        if not x:
            return ""
        if v.startswith(FORMULA_START):
            style = _QUOTED
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}" t="inlineStr"{s}><is>{x}</is></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float, Decimal)):
        if isinstance(v, int):
            num = str(int(v))
        elif math.isfinite(v):
            num = repr(v) if isinstance(v, float) else str(v)
        else:
            return xlsx_cell(ref, str(v))
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{num}</v></c>'
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = timezone.localtime(v).replace(tzinfo=None)
        return f'<c r="{ref}" s="{_DATETIME}"><v>{to_excel(v)}</v></c>'
    if isinstance(v, dt.date):
        return f'<c r="{ref}" s="{_DATE}"><v>{to_excel(v)}</v></c>'
    if isinstance(v, dt.time):
        return f'<c r="{ref}" s="{_TIME}"><v>{to_excel(v.replace(tzinfo=None))}</v></c>'
    if v is None:
        return ""
    return xlsx_cell(ref, str(v))


def excel_text(s: str) -> str:
    """A text cell's string as Excel shows it: "_xHHHH_" is the character HHHH (openpyxl, reading,
    leaves it as it is; Excel writes a carriage return so, `xlsx_cell` an underscore before "xHHHH_")."""
    return _EXCEL_ESCAPED.sub(lambda m: chr(int(m[1], 16)), s) if "_x" in s else s


def _sheet_name(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, not empty."""
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31].strip("'") or "Sheet1"


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_HEAD = (
    _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
)


def _xlsx_parts(sheet_name: str) -> list[tuple[str, str]]:
    """The parts of the workbook around its one sheet: content types, relationships, the
    workbook and its styles (see the style indexes above)."""
    ct = "application/vnd.openxmlformats-officedocument"
    name = sheet_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    xf = '<xf numFmtId="{0}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    return [
        ("[Content_Types].xml", _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
         f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
         f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/></Types>'),
        ("_rels/.rels", _XML + f'<Relationships xmlns="{_PKG_REL}">'
         f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
         f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", _XML + f'<Relationships xmlns="{_PKG_REL}">'
         f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
         f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
        ("xl/styles.xml", _XML + f'<styleSheet xmlns="{_MAIN}">'
         '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
         f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
         '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
         '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
         '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
         '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
         '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
         '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
         '<alignment horizontal="center"/></xf>'
         + xf.format(4) + xf.format(164) + xf.format(165) + xf.format(21)
         + '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
         '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
    ]


def safe_text(v) -> str:
    """A value as CSV text; a string that starts like a formula gets a leading apostrophe, so that
    a spreadsheet opening the file shows it instead of running it. Numbers stay as they are (a
    negative amount "-1.50" is a number, not a formula)."""
    if isinstance(v, str):
        return "'" + v if v.startswith(FORMULA_START) else v
    return _text(v)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def _jsonable(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def download(table: Table, filename: str, fmt: str = "xlsx"):
    """The table as a file (Chinese filename kept), the one way every page and API answer an
    export: CSV is streamed line by line (a StreamingHttpResponse: memory stays flat however
    many rows, and the first bytes leave at once); the XLSX is made in write-only mode
    (`Table.write_xlsx`), so the workbook holds no cell objects. Exports that take long are
    made in the background instead (`core.downloads`)."""
    if fmt == "csv":
        resp = StreamingHttpResponse((line.encode("utf-8") for line in table.csv_lines()), content_type=CONTENT_TYPES[fmt])
    elif fmt == "pdf":  # a page that prints its list (`core.web.PRINTABLE`); never the API's formats
        resp = HttpResponse(table.to_pdf(), content_type="application/pdf")
    else:
        resp = HttpResponse(table.render(fmt), content_type=CONTENT_TYPES[fmt])
    resp["Content-Disposition"] = disposition(f"{filename}.{fmt}")
    return resp


def disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition header value keeping a Chinese file name (RFC 6266 filename*), with a
    plain ASCII fallback for old clients; `attachment` (a download) unless `inline`."""
    suffix = Path(filename).suffix.lower()
    fallback = f"file{suffix}" if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else "file"
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=utf-8''{quote(filename)}"
