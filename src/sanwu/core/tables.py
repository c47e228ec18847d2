"""One tabular shape for every export: web Excel downloads, CLI --format csv|json|xlsx, PDFs.

A `Table` is a title, ordered columns (key, Chinese label) and rows of plain values; money
columns hold fen and are written as yuan with two decimals.
"""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
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
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def value(self, row: dict, col: Column):
        v = row.get(col.key)
        if col.money and v is not None and v != "":
            return fen_to_decimal(int(v))
        return v

    # --- formats -------------------------------------------------------------------------
    def to_xlsx(self) -> bytes:
        wb = Workbook(write_only=False)
        ws = wb.active
        ws.title = self.title[:31] or "Sheet1"
        ws.append([c.label for c in self.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center")
        for row in self.rows:
            ws.append([self.value(row, c) for c in self.columns])
        for idx, col in enumerate(self.columns, start=1):
            letter = get_column_letter(idx)
            if col.money:
                for cell in ws[letter][1:]:
                    cell.number_format = "#,##0.00"
            ws.column_dimensions[letter].width = col.width or max(10, min(40, len(col.label) * 2 + 4))
        ws.freeze_panes = "A2"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([c.key for c in self.columns])
        for row in self.rows:
            writer.writerow([_text(self.value(row, c)) for c in self.columns])
        return buf.getvalue()

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
    """An HttpResponse with the table as a file (Chinese filename kept)."""
    from django.http import HttpResponse

    resp = HttpResponse(table.render(fmt), content_type=CONTENT_TYPES[fmt])
    resp["Content-Disposition"] = _disposition(f"{filename}.{fmt}")
    return resp


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"export\"; filename*=UTF-8''{quote(filename)}"
