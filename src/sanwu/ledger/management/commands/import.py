import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor
from sanwu.ledger import imports as importer

from .book import find_book

PHASES = {"check": "读取并校验", "write": "写入账套"}
PLAIN_FROM = 1000  # rows or vouchers


class ProgressReporter:
    """The importer's progress on stderr: a rich progress bar on a terminal, plain lines
    otherwise (logs, pipes), so long imports show they are alive either way."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.last: dict[str, int] = {}

    def __enter__(self):
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(file=self.stream), transient=False,
            )
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        label = PHASES.get(phase, phase)
        unit = "行" if phase == "check" else "张凭证"
        if self.bar is not None:
            if phase not in self.tasks:
                self.tasks[phase] = self.bar.add_task(f"{label}（{unit}）", total=total)
            self.bar.update(self.tasks[phase], completed=done, total=total)
            return
        # Plain lines for large files only: the start of each phase, then at most every 10 %.
        if total is not None and total < PLAIN_FROM:
            return
        step = max((total or 0) // 10, 1)
        if phase not in self.last or done - self.last[phase] >= step or (total and done == total and self.last[phase] != done):
            self.last[phase] = done
            of = f"/{total}" if total else ""
            self.stream.write(f"{label}：{done}{of} {unit}\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "导入：vouchers FILE --book CODE [--post] —— 从 CSV/XLSX 导入记账凭证，全部成功或一条都不导入"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        v = sub.add_parser(
            "vouchers",
            help="导入记账凭证（每行一条分录，凭证号相同的相邻行为一张凭证；"
            "列：日期 凭证号 摘要 科目编码 借方金额 贷方金额 [结算方式 收入来源 往来单位 附件数]）",
        )
        v.add_argument("file", help="CSV（UTF-8 或 GBK）或 XLSX 文件")
        v.add_argument("--book", required=True, help="账套编码")
        v.add_argument("--post", action="store_true", help="直接记账（否则存为草稿）")
        v.add_argument("--as", dest="as_user", help="以该用户身份操作（按其管辖范围与角色检查）")

    def handle(self, *args, what, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件「{path}」不存在")
        with cli_actor(opts["as_user"]) as actor:
            book = find_book(opts["book"], actor.user)
            data = path.read_bytes()
            with ProgressReporter(getattr(self.stderr, "_out", sys.stderr)) as progress:
                result = importer.import_vouchers(actor.user, book, data, path.name, post=opts["post"], progress=progress)
        done = f"已记账 {result['posted']} 张" if opts["post"] else f"存为草稿 {result['drafts']} 张（待提交审核）"
        months = "、".join(result["months"])
        self.stdout.write(
            f"导入完成：账套 {book.code}，文件「{path.name}」，凭证 {result['vouchers']} 张、分录 {result['entries']} 条，{done}；月份 {months}"
        )
