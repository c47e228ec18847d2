"""Read CSV or XLSX uploads row by row, with the line number each row came from."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook

from .errors import Invalid, Problem


def read_rows(data: bytes, filename: str, aliases: dict[str, list[str]]) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """Return (keys found, iterator of (line_no, {key: text})).

    `aliases` maps each canonical key to the header spellings accepted for it (Chinese and
    English). Unknown headers are an error; so is a missing required header (checked by caller).
    Blank rows are skipped; texts are stripped.
    """
    keys, raw = _open(data, filename, aliases)

    def rows():
        for line_no, values in enumerate(raw, start=2):
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
        for line_no, values in enumerate(raw, start=2):
            if len(values) < width:
                values = [*values, *([""] * (width - len(values)))]
            if not "".join(values).strip():  # both readers give texts, never None
                continue
            yield line_no, [values[i].strip() if i is not None else "" for i in picks]

    return [k for k in aliases if where.get(k) is not None], rows()


def _open(data: bytes, filename: str, aliases: dict[str, list[str]]):
    """The file's rows after its header, and the key of each header column (None for a blank
    header); unknown headers are an error."""
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        raw = _xlsx_rows(data, name)
    elif suffix in (".csv", ".txt"):
        raw = _csv_rows(data, name)
    else:
        raise Invalid(Problem(f"不支持的文件类型「{suffix or '无扩展名'}」，请使用 .csv 或 .xlsx", file=name))
    try:
        header = next(raw)
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


def _csv_rows(data: bytes, name: str):
    encoding = "utf-8-sig"
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        encoding = "gb18030"  # decodes any byte string; GBK files are read with it
    # Stream through a wrapper rather than holding a second, decoded copy of a large file.
    yield from csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))


def _xlsx_rows(data: bytes, name: str):
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise Invalid(Problem("不是有效的 Excel (.xlsx) 文件", file=name)) from None
    ws = wb.worksheets[0]
    for values in ws.iter_rows(values_only=True):
        yield [_cell_text(v) for v in values]
    wb.close()


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "date") and hasattr(v, "hour"):
        return v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat()
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
