"""Shared pieces for Sanwu's management commands: acting as a user, errors to stderr, output.

Every Sanwu verb is a `SanwuCommand`, which skips Django's system checks: they import every page
and API route (about two seconds a start) and belong to `sanwu check`, `sanwu migrate` and the
server's start, not to each report or import a user runs.

The options every command spells the same way come from here: `add_as_argument` (`--as USER`),
`add_within_argument` (`--within CODE`), `add_status_argument` (`--status`), and
`add_table_arguments` (`--format csv|json|xlsx`, `--output FILE`) — or all of them at once for a
list verb, `add_list_arguments`. A command that prints a table then calls
`emit(table, opts["format"], opts["output"], self.stdout)`; `within(qs, code, field)` keeps the
rows inside a region, `date_option` and `existing_file` read the two other common values.
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
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from . import context
from .codes import region_prefix
from .errors import Invalid, NotFound, Refused
from .money import format_yuan
from .tables import Table


class SanwuCommand(BaseCommand):
    requires_system_checks = []  # see the module's docstring

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
        except (Refused, NotFound) as exc:
            raise CommandError(str(exc)) from None


AS_HELP = "以该用户身份（按其角色和管辖范围检查）；不给出时为系统操作员"


def add_as_argument(parser, help: str = AS_HELP) -> None:
    """`--as USER` (dest `as_user`), for `cli_actor(opts["as_user"])`."""
    parser.add_argument("--as", dest="as_user", help=help)


def add_within_argument(parser, help: str = "只列出该区划（代码）及其下级") -> None:
    """`--within CODE`, for `within(qs, opts["within"], field)`."""
    parser.add_argument("--within", help=help)


def add_status_argument(parser, statuses, help: str = "状态", default: str | None = None) -> None:
    """`--status` with the keys of `statuses` (a dict of labels, or a list of keys) as choices."""
    keys = list(statuses)
    shown = "、".join(f"{k} {statuses[k]}" for k in keys) if isinstance(statuses, dict) else "、".join(keys)
    parser.add_argument("--status", choices=keys, default=default, help=f"{help}：{shown}" + (f"（默认 {default}）" if default else ""))


def add_list_arguments(parser, *, statuses=None, within: str | None = "只列出该区划（代码）及其下级", as_user: bool = True) -> None:
    """The options of a list verb: `--within` (unless `within` is None), `--status` (when
    `statuses` are given), `--format`, `--output` and `--as`."""
    if within is not None:
        add_within_argument(parser, within)
    if statuses is not None:
        add_status_argument(parser, statuses)
    add_table_arguments(parser)
    if as_user:
        add_as_argument(parser)


def within(qs, code: str | None, field: str = "code"):
    """`qs` kept to the rows whose region code (`field`) lies in region `code` (all when none)."""
    return qs.filter(**{f"{field}__startswith": region_prefix(code)}) if code else qs


def date_option(text: str | None, what: str = "日期", default: dt.date | None = None) -> dt.date | None:
    """A YYYY-MM-DD option as a date (`default` when it is not given), or a one-line error."""
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{what}「{text}」无效（应为 YYYY-MM-DD）") from None


def existing_file(name: str) -> Path:
    """The path of a file a command reads, or a one-line error when there is none."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"文件「{path}」不存在")
    return path


def add_table_arguments(parser, formats: tuple[str, ...] = FORMATS) -> None:
    """`--format csv|json|xlsx` and `--output FILE` on a command (or verb) that prints a table;
    a printed statement adds its own formats (`formats=FORMATS + ("pdf",)`)."""
    names = "、".join(formats[:-1]) + " 或 " + formats[-1]
    binary = "/".join(f for f in formats if f in ("xlsx", "pdf"))
    suffixes = "/".join(f".{f}" for f in formats if f != "csv")
    parser.add_argument("--format", choices=formats, default=None, help=f"{names}（不给出时：在终端上显示表格，重定向或管道输出 csv）")
    parser.add_argument("--output", help=f"写入文件（{binary} 须给出；不给 --format 时按扩展名 {suffixes} 定格式，其他为 csv），否则输出到标准输出")


def output_format(fmt: str | None, output: str | None, formats: tuple[str, ...] = FORMATS) -> str | None:
    """The format to write: `fmt`, or — into a file without it — the one its extension names
    (CSV for any other); None for stdout without `--format` (`emit` decides)."""
    if fmt is None and output:
        suffix = Path(output).suffix.lower().lstrip(".")
        return suffix if suffix in formats else "csv"
    return fmt


def emit(table: Table, fmt: str | None = None, output: str | None = None, stdout=None) -> None:
    """Write `table` as `fmt` to `output` or to stdout. Without `fmt`: into a file, the format its
    extension names (.json, .xlsx; CSV for any other); on a terminal, a table for people
    (`table_text`); into a pipe, CSV."""
    stream = stdout or sys.stdout
    fmt = output_format(fmt, output)
    if fmt is None:
        if stream.isatty():
            stream.write(table_text(table, tty=True))
            return
        fmt = "csv"
    data = table.render(fmt)
    if not write_file_or_binary(data, output, fmt if fmt == "xlsx" else None):
        stream.write(data.decode("utf-8"))


def write_file_or_binary(data: bytes, output: str | None, binary: str | None = None) -> bool:
    """Write `data` into the file `output`, or — when it is a `binary` format (xlsx, pdf) — to a
    redirected stdout (never to a terminal); False when neither, for the caller to print text."""
    if output:
        with open(output, "wb") as fh:
            fh.write(data)
        return True
    if binary:
        if sys.stdout.isatty():
            raise CommandError(f"{binary} 是二进制格式，请用 --output 文件名 保存，或重定向到文件")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return True
    return False


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
