"""Read CSV or XLSX uploads row by row, with the line number each row came from.

Rows and columns are bounded by what is really in the file and by the limits
`SANWU_IMPORT_MAX_ROWS` and `SANWU_IMPORT_MAX_COLUMNS`, never by the size a sheet declares
(`<dimension ref="A1:XFD1048576"/>`): the sheet is streamed cell by cell and the read stops with
a problem naming the file, row and column as soon as a limit is passed.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import iterparse

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, SHEET_MAIN_NS, WorkSheetParser

from .errors import Invalid, Problem
from .tables import excel_text

# An XLSX is a zip: its parts' declared sizes (which zipfile enforces while reading) bound what
# unpacking can cost, before openpyxl reads the shared strings into memory.
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
EXCEL_MAX_COLUMNS = 16384  # XFD: more cells in one row is not an Excel sheet
SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"


def read_rows(data: bytes, filename: str, aliases: dict[str, list[str]]) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """Return (keys found, iterator of (line_no, {key: text})).

    `aliases` maps each canonical key to the header spellings accepted for it (Chinese and
    English). Unknown headers are an error; so is a missing required header (checked by caller).
    Blank rows are skipped; texts are stripped.
    """
    keys, raw = _open(data, filename, aliases)

    def rows():
        for line_no, values in raw:
            if not any((v or "").strip() for v in values):
                continue
            row = {}
            for key, v in zip(keys, values):
                if key is not None:
                    row[key] = (v or "").strip()
            yield line_no, row

    return [k for k in keys if k], rows()


def read_table(data: bytes, filename: str, aliases: dict[str, list[str]]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """`read_rows` for large files: each row is a list of texts in the order of `aliases`' keys,
    "" for a column the file does not have (no dict per row; the voucher import reads millions)."""
    keys, raw = _open(data, filename, aliases)
    where = {k: i for i, k in enumerate(keys) if k is not None}  # a repeated header: the last wins, as in read_rows
    picks = [where.get(k) for k in aliases]
    present = [i for i in picks if i is not None]
    width = max(present) + 1 if present else 0

    def rows():
        for line_no, values in raw:
            if len(values) < width:
                values = [*values, *([""] * (width - len(values)))]
            if not "".join(values).strip():  # both readers give texts, never None
                continue
            yield line_no, [values[i].strip() if i is not None else "" for i in picks]

    return [k for k in aliases if where.get(k) is not None], rows()


def _open(data: bytes, filename: str, aliases: dict[str, list[str]]):
    """The file's (line, texts) rows after its header, and the key of each header column (None for
    a blank header); unknown headers are an error."""
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    limits = _Limits(name, settings.SANWU_IMPORT_MAX_ROWS, settings.SANWU_IMPORT_MAX_COLUMNS)
    if suffix == ".xlsx":
        raw = _xlsx_rows(data, limits)
    elif suffix in (".csv", ".txt"):
        raw = _csv_rows(data, limits)
    else:
        raise Invalid(Problem(f"不支持的文件类型「{suffix or '无扩展名'}」，请使用 .csv 或 .xlsx", file=name))
    try:
        _, header = next(raw)
    except StopIteration:
        raise Invalid(Problem("文件是空的", file=name)) from None
    lookup = {}
    for key, names in aliases.items():
        for n in [key, *names]:
            lookup[n.strip().lower()] = key
    keys: list[str | None] = []
    problems = []
    for idx, h in enumerate(header, start=1):
        h = (h or "").strip()
        if not h:
            keys.append(None)
            continue
        key = lookup.get(h.lower())
        if key is None:
            problems.append(Problem(f"第{idx}列的表头「{h}」无法识别", row=1, file=name))
        keys.append(key)
    if problems:
        raise Invalid(problems)
    return keys, raw


class _Limits:
    """The bounds of one file's read, and its problems in Chinese naming file, row and column."""

    def __init__(self, name: str, max_rows: int, max_columns: int):
        self.name, self.max_rows, self.max_columns = name, max_rows, max_columns
        self.last_line = 1 + max_rows  # the header is line 1

    def too_many_rows(self, line: int) -> Invalid:
        return Invalid(Problem(
            f"超过行数上限：一次最多导入 {self.max_rows:,} 行数据（如果下面只是空行或格式，请删除多余的行后再导入）",
            row=line, file=self.name,
        ))

    def too_many_columns(self, line: int, column: int) -> Invalid:
        return Invalid(Problem(
            f"第{column}列（{get_column_letter(min(column, EXCEL_MAX_COLUMNS))}列）有内容，超过列数上限：最多 {self.max_columns} 列",
            row=line, file=self.name,
        ))


def _csv_rows(data: bytes, limits: _Limits):
    encoding = "utf-8-sig"
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        encoding = "gb18030"  # decodes any byte string; GBK files are read with it
    # Stream through a wrapper rather than holding a second, decoded copy of a large file.
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    last, width = limits.last_line, limits.max_columns
    for line, values in enumerate(reader, start=1):
        if line > last:
            raise limits.too_many_rows(line)
        if len(values) > width:
            extra = next((i for i, v in enumerate(values[width:], start=width + 1) if v.strip()), None)
            if extra is not None:
                raise limits.too_many_columns(line, extra)
            values = values[:width]  # empty cells after the last column
        yield line, values


def _xlsx_rows(data: bytes, limits: _Limits):
    """The first sheet's rows that hold a value, as (row number, texts from column A), streamed
    from the sheet's XML; the sheet's declared dimension is never read."""
    name = limits.name
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = {i.filename: i.file_size for i in archive.infolist()}
    except (zipfile.BadZipFile, ValueError):
        raise Invalid(Problem("不是有效的 Excel (.xlsx) 文件", file=name)) from None
    if sum(sizes.values()) > MAX_UNZIPPED_BYTES or sizes.get("xl/sharedStrings.xml", 0) > MAX_SHARED_STRINGS_BYTES:
        raise Invalid(Problem(f"Excel 文件解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB，请拆分后再导入", file=name))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        source = ws._get_source()
    except Exception:
        raise Invalid(Problem("不是有效的 Excel (.xlsx) 文件", file=name)) from None
    # openpyxl's cell parser turns one <c> element into its value (shared strings, dates by the
    # cell's number format); the loop around it is ours, so that nothing pads rows or columns
    # out to a declared size and every limit is checked while the XML streams.
    cells = WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=wb.epoch,
                            date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    last, width = limits.last_line, limits.max_columns
    max_cells = last * width  # every cell element of the sheet, empty (formatted) ones too
    seen_rows = seen_cells = in_row = line = 0
    values: list[str] = []
    sheet_data = None
    try:
        for event, el in iterparse(source, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == ROW_TAG:
                    seen_rows += 1
                    r = el.get("r")
                    line = int(r) if r and r.isdigit() else seen_rows
                    if line > last or seen_rows > last:
                        raise limits.too_many_rows(max(line, seen_rows))
                    cells.row_counter, cells.col_counter, in_row, values = line, 0, 0, []
                elif tag == SHEET_DATA_TAG:
                    sheet_data = el
                continue
            if tag == CELL_TAG:
                seen_cells += 1
                in_row += 1
                if seen_cells > max_cells or in_row > EXCEL_MAX_COLUMNS:
                    raise Invalid(Problem(
                        f"单元格太多：一个工作表最多 {max_cells:,} 个单元格，一行最多 {EXCEL_MAX_COLUMNS:,} 个", row=line, file=name,
                    ))
                cell = cells.parse_cell(el)
                el.clear()
                value = cell["value"]
                if value is None or value == "":
                    continue  # an empty (perhaps formatted) cell is not content
                column = cell["column"]
                if column > width:
                    raise limits.too_many_columns(line, column)
                if column > len(values):
                    values.extend([""] * (column - len(values)))
                values[column - 1] = _cell_text(value)
            elif tag == ROW_TAG:
                if sheet_data is not None:
                    sheet_data.clear()  # drop the rows already read: memory stays flat
                if values:
                    yield line, values
            elif tag == SHEET_DATA_TAG:
                break  # nothing after the cells is read
    except Invalid:
        raise
    except Exception:
        raise Invalid(Problem("不是有效的 Excel (.xlsx) 文件（工作表无法读取）", file=name)) from None
    finally:
        source.close()
        wb.close()


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "date") and hasattr(v, "hour"):
        return v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat()
    if isinstance(v, str):
        return excel_text(v)  # "_x000D_" as Excel shows it (a carriage return)
    return str(v)


# --- Cell values shared by the importers -------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> dt.date | None:
    """2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日, 20250305 (or an Excel date cell); None when
    the text is not a date."""
    text = (text or "").strip()
    if "T" in text and len(text) > 10:  # an Excel date-time cell
        text = text.split("T", 1)[0]
    m = _DATE.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    elif len(text) == 8 and text.isdigit():
        y, mo, d = int(text[:4]), int(text[4:6]), int(text[6:])
    else:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


MAX_SHEET_BYTES = 20 * 1024 * 1024


def read_upload(upload, max_bytes: int = MAX_SHEET_BYTES) -> tuple[bytes, str]:
    """(content, file name) of an uploaded CSV/XLSX — a Django `UploadedFile`, None when none was
    chosen — or `Invalid` before anything is read (none chosen, too large)."""
    if upload is None:
        raise Invalid(Problem("请选择要导入的 CSV 或 Excel 文件"))
    name = upload.name or "upload"
    if upload.size is not None and upload.size > max_bytes:
        raise Invalid(Problem(f"文件「{Path(name).name}」超过 {max_bytes // 1024 // 1024} MB"))
    return upload.read(), name


def choice_key(choices: dict[str, str], text: str) -> str | None:
    """A cell naming one of `choices` ({key: Chinese label}) by its label or its key (发包 or
    contracting), as the importers read them; None when it names none."""
    text = (text or "").strip()
    if text in choices:
        return text
    return next((k for k, label in choices.items() if label == text), None)
