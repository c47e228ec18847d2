"""Read CSV or XLSX uploads row by row, with the line number each row came from."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook

from .errors import Invalid, Problem


def read_rows(data: bytes, filename: str, aliases: dict[str, list[str]]) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """Return (keys found, iterator of (line_no, {key: text})).

    `aliases` maps each canonical key to the header spellings accepted for it (Chinese and
    English). Unknown headers are an error; so is a missing required header (checked by caller).
    """
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
