"""Shared pieces for Sanwu's management commands: acting as a user, errors to stderr, output.

A command that prints a table calls `add_table_arguments(parser)` (its `--format csv|json|xlsx`
and `--output FILE`) and then `emit(table, opts["format"], opts["output"], self.stdout)`.
Without `--format`, people at a terminal get the table drawn on screen (Chinese column labels,
money in yuan); a script reading the output through a pipe or a file gets CSV, as it always has.
"""

import datetime as dt
import io
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from . import context
from .errors import Invalid, Refused
from .money import format_yuan
from .tables import Table

FORMATS = ("csv", "json", "xlsx")


@contextmanager
def cli_actor(username: str | None = None):
    """Run a command as `username` (scope-checked like the web) or as the system operator."""
    user = None
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在")
    with context.acting(context.Actor(user=user, channel="cli")) as actor:
        try:
            yield actor
        except Invalid as exc:
            raise CommandError("\n".join(exc.messages)) from None
        except Refused as exc:
            raise CommandError(str(exc)) from None


def add_table_arguments(parser) -> None:
    """`--format csv|json|xlsx` and `--output FILE` on a command (or verb) that prints a table."""
    parser.add_argument("--format", choices=FORMATS, default=None, help="csv、json 或 xlsx（不给出时：在终端上显示表格，重定向或管道输出 csv）")
    parser.add_argument("--output", help="写入文件（xlsx 须给出；不给 --format 时按扩展名 .json/.xlsx 定格式，其他为 csv），否则输出到标准输出")


def emit(table: Table, fmt: str | None = None, output: str | None = None, stdout=None) -> None:
    """Write `table` as `fmt` to `output` or to stdout. Without `fmt`: into a file, the format its
    extension names (.json, .xlsx; CSV for any other); on a terminal, a table for people
    (`table_text`); into a pipe, CSV."""
    stream = stdout or sys.stdout
    if fmt is None and output:
        suffix = Path(output).suffix.lower().lstrip(".")
        fmt = suffix if suffix in FORMATS else "csv"
    elif fmt is None:
        if stream.isatty():
            stream.write(table_text(table, tty=True))
            return
        fmt = "csv"
    data = table.render(fmt)
    if output:
        with open(output, "wb") as fh:
            fh.write(data)
        return
    if fmt == "xlsx":
        if sys.stdout.isatty():
            raise CommandError("xlsx 是二进制格式，请用 --output 文件名 保存，或重定向到文件")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    stream.write(data.decode("utf-8"))


def cell_text(row: dict, col) -> str:
    """One value as people read it: money in yuan with thousands separators, dates as
    YYYY-MM-DD, yes/no in Chinese, nothing for a missing value."""
    v = row.get(col.key)
    if v is None or v == "":
        return ""
    if col.money:
        return format_yuan(int(v))
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def table_text(table: Table, *, tty: bool = False) -> str:
    """`table` drawn for people with rich: its title, the Chinese column labels, money right-
    aligned in yuan, and the row count. On a terminal it fits the terminal's width (bold
    headers); elsewhere (a pipe, a file) each line is as wide as the table needs."""
    shown = RichTable(title=Text(table.title), caption=Text(f"共 {len(table.rows)} 行"), title_justify="left", caption_justify="left")
    for col in table.columns:
        shown.add_column(Text(col.label), justify="right" if col.money else "left")
    for row in table.rows:
        shown.add_row(*(Text(cell_text(row, col)) for col in table.columns))
    buf = io.StringIO()
    if tty:
        console = Console(file=buf, width=shutil.get_terminal_size().columns, force_terminal=True, color_system="standard")
    else:
        console = Console(file=buf, width=100_000, color_system=None)
    console.print(shown)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


class RawStream:
    """A command's `self.stdout` / `self.stderr` (Django's OutputWrapper) as a plain text stream
    for libraries that write for themselves, such as rich's progress bar: no line ending added
    to each write, no error colour."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, style_func=str, ending="")
        return len(text)

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()
