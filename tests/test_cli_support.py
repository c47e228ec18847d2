"""`core.cli_support`: `add_table_arguments` and `emit` — scripts get CSV, JSON or XLSX, people
without `--format` get a table with the Chinese column labels and money in yuan."""

import argparse
import datetime as dt
import io

import pytest
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


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_emit_without_format_draws_a_table_for_people_at_a_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = Terminal()
    emit(sample(), None, None, out)
    lines = out.getvalue().splitlines()
    assert "岳西县收入" in lines[0] and "共 2 行" in lines[-1]
    header = next(line for line in lines if "村代码" in line)
    assert "村名" in header and "经营性收入" in header and "日期" in header
    assert "\x1b[1m" in header  # bold headers on a terminal
    first = next(line for line in lines if "340828100200" in line)
    assert "大歇村[bold]" in first and "700,000.55" in first and "2025-03-31" in first and "是" in first
    second = next(line for line in lines if "340828100202" in line)
    assert "-8,000.00" in second and "否" in second and "None" not in second


def test_table_text_outside_a_terminal_is_plain_and_as_wide_as_the_table():
    text = table_text(sample())
    assert "\x1b[" not in text
    assert text.splitlines()[0] == "岳西县收入" and text.splitlines()[-1] == "共 2 行"
    assert any("大歇村[bold]" in line and "700,000.55" in line for line in text.splitlines())


def test_emit_formats_for_scripts(tmp_path):
    piped = io.StringIO()
    emit(sample(), None, None, piped)
    csv_out = io.StringIO()
    emit(sample(), "csv", None, csv_out)
    assert piped.getvalue() == csv_out.getvalue() and csv_out.getvalue().splitlines()[0] == "code,name,income,day,ok"
    path = tmp_path / "t.xlsx"
    emit(sample(), None, str(path))
    assert load_workbook(path).active["C2"].value == 700000.55
    emit(sample(), None, str(tmp_path / "t.JSON"))
    assert (tmp_path / "t.JSON").read_text(encoding="utf-8").startswith("[")
    emit(sample(), None, str(tmp_path / "t.txt"))
    assert (tmp_path / "t.txt").read_bytes().decode("utf-8") == csv_out.getvalue()
