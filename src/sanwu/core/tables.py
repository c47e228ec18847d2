"""One tabular shape for every export: web Excel downloads, CLI --format csv|json|xlsx, PDFs.

A `Table` is a title, ordered columns (key, Chinese label) and rows of plain values; money
columns hold fen and are written as yuan with two decimals.

Text is written as text: `safe_cell` (XLSX) and `safe_text` (CSV) are the one way any export puts
a string into a spreadsheet, so that a villager's question or an imported summary starting with
`=`, `+`, `-`, `@`, a tab or a carriage return is never run as a formula (OWASP "CSV injection").
"""

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
        """The table as an XLSX workbook written to the binary file `out`, in openpyxl's write-only
        mode: rows are streamed to the file, so memory stays flat however long the table is.
        `progress(rows_written)` is called every 1,000 rows and at the end."""
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(self.title[:31] or "Sheet1")
        for idx, col in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(idx)].width = col.width or max(10, min(40, len(col.label) * 2 + 4))
        ws.freeze_panes = "A2"
        header = []
        for c in self.columns:
            cell = safe_cell(ws, c.label)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center")
            header.append(cell)
        ws.append(header)
        money = [c.money for c in self.columns]
        n = 0
        for n, row in enumerate(self.rows, start=1):
            cells = []
            for c, is_money in zip(self.columns, money):
                v = self.value(row, c)
                if is_money and v is not None and v != "":
                    cell = safe_cell(ws, v)
                    cell.number_format = "#,##0.00"
                    cells.append(cell)
                else:
                    cells.append(_plain(ws, v))
            ws.append(cells)
            if progress is not None and n % 1000 == 0:
                progress(n)
        wb.save(out)
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
# Characters an XLSX file (XML 1.0) cannot hold at all: control characters other than tab and
# line breaks, and U+FFFE/U+FFFF. openpyxl refuses them, which would fail the whole export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_cell(ws, value) -> Cell:
    """An XLSX cell for `ws` (a normal or a write-only worksheet, for `ws.append`) holding `value`
    as it is typed: numbers, Decimal and dates keep their types; a string is always a text cell
    (never a formula, never an error code such as "#N/A"), one that starts like a formula also
    marked with Excel's quote prefix so that editing the cell does not run it either."""
    text = isinstance(value, str)
    if text:
        value = _NOT_XML.sub("", value) or None  # an empty string is an empty cell
        text = value is not None
    cell = Cell(ws, row=1, column=1, value=value)  # as openpyxl's WriteOnlyCell; append() places it
    if text:
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def _plain(ws, value):
    """`value` as `ws.append` may take it as it is — the sheet then writes it through one shared
    cell instead of a cell object per value (a quarter of a long export's time): None, numbers and
    dates, and text that openpyxl can only read as text. Anything else as `safe_cell`."""
    if isinstance(value, str):
        value = _NOT_XML.sub("", value)
        if not value:
            return None
        if value.startswith(FORMULA_START) or value in ERROR_CODES:
            return safe_cell(ws, value)
    return value


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
