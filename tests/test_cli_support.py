"""`core.cli_support`: `add_table_arguments` and `emit` — scripts get CSV, JSON or XLSX, people
without `--format` get a table with the Chinese column labels and money in yuan."""

import argparse
import datetime as dt
import io

import pytest
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sanwu.core.cli_support import add_table_arguments, emit, table_text
from sanwu.core.tables import Column, Table


def sample() -> Table:
    return Table(
        "岳西县收入",
        [Column("code", "村代码"), Column("name", "村名"), Column("income", "经营性收入", money=True), Column("day", "日期"), Column("ok", "达标")],
        [
            {"code": "340828100200", "name": "大歇村[bold]", "income": 70000055, "day": dt.date(2025, 3, 31), "ok": True},
            {"code": "340828100202", "name": "关河村", "income": -800000, "day": None, "ok": False},
        ],
    )


def test_add_table_arguments_gives_format_and_output():
    parser = argparse.ArgumentParser()
    add_table_arguments(parser)
    assert vars(parser.parse_args([])) == {"format": None, "output": None}
    assert vars(parser.parse_args(["--format", "xlsx", "--output", "a.xlsx"])) == {"format": "xlsx", "output": "a.xlsx"}
    with pytest.raises(SystemExit):
        parser.parse_args(["--format", "pdf"])


def test_emit_without_format_prints_a_table_for_people():
    out = io.StringIO()
    emit(sample(), None, None, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "岳西县收入" and lines[-1] == "共 2 行"
    header = next(line for line in lines if "村代码" in line)
    assert "村名" in header and "经营性收入" in header and "日期" in header
    first = next(line for line in lines if "340828100200" in line)
    assert "大歇村[bold]" in first and "700,000.55" in first and "2025-03-31" in first and "是" in first
    second = next(line for line in lines if "340828100202" in line)
    assert "-8,000.00" in second and "否" in second and "None" not in second
    assert "\x1b[" not in out.getvalue()  # no terminal colours in a pipe
    assert "\x1b[1m" in table_text(sample(), tty=True)  # bold headers on a terminal


def test_emit_formats_for_scripts(tmp_path):
    out = io.StringIO()
    emit(sample(), "csv", None, out)
    assert out.getvalue().splitlines()[0] == "code,name,income,day,ok"
    path = tmp_path / "t.xlsx"
    emit(sample(), None, str(path))
    assert load_workbook(path).active["C2"].value == 700000.55
    emit(sample(), None, str(tmp_path / "t.CSV"))
    assert (tmp_path / "t.CSV").read_text(encoding="utf-8").startswith("code,name")
    with pytest.raises(CommandError, match="无法从文件名"):
        emit(sample(), None, str(tmp_path / "t"))
