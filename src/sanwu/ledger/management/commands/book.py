"""`sanwu book <verb>`: the ledger's area command.

    sanwu book add CODE --region VILLAGE --chart 2023|2004 …   open a book
    sanwu book opening CODE [--set 101=1200.00 …] [--confirm]  opening balances
    sanwu book sub-account CODE --parent 501 --account 50101 …  a detail sub-account
    sanwu book import CODE FILE [--post]                        import vouchers (all or nothing)
    sanwu book export CODE [--output FILE]                      the book as Beancount text
    sanwu book verify [CODE]                                    recompute chains and kept totals
    sanwu book close CODE --from YYYY-MM --to YYYY-MM           close a range of months (all or nothing)
    sanwu book migrate-chart CODE --to 2023 --new-code NEW      move the book to the 2023 chart (财会〔2023〕20号)
    sanwu book bank-import FILE --book CODE --account CODE      import a bank statement (all or nothing)
    sanwu book year-end CODE --year Y                           the year-end closing (结转), as the page does it

The verb-first spellings scripts use (`sanwu import vouchers FILE --book CODE`, `sanwu export
beancount --book CODE`, `sanwu verify [--book CODE]`) are the alias commands `import`, `export`
and `verify`: they declare their own arguments with the option builders below and run the same
functions. Every verb acts as the system operator unless `--as USER`.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sanwu.core.cli_support import add_as_argument, cli_actor, date_option, emit, existing_file, RawStream, SanwuCommand, write_file_or_binary
from sanwu.core.errors import Invalid, NotFound, Problem
from sanwu.core.permissions import refuse, visible
from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.core.pdf import render_pdf
from sanwu.ledger import hooks, services
from sanwu.ledger import imports as importer
from sanwu.ledger.services import beancount, reconcile
from sanwu.ledger.charts import CHART_VERSIONS, SOURCES
from sanwu.ledger.models import Book
from sanwu.ledger.services.verify import verify_book

IMPORT_HELP = (
    "导入记账凭证（每行一条分录，凭证号相同的相邻行为一张凭证；"
    "列：日期 凭证号 摘要 科目编码 借方金额 贷方金额 [结算方式 收入来源 往来单位 附件数]）"
)
EXPORT_HELP = "导出为 Beancount 文本（bean-check 可校验）"
VERIFY_HELP = "重算每张凭证的防篡改校验码并核对保存的发生额；有问题时退出码为 1，并指出第一张不再相符的凭证"


def find_book(code: str, user) -> Book:
    """The book `code` as the acting user may see it (the system operator sees every book).

    Outside the user's scope it does not exist for them (`NotFound`, the refusal audited under
    the book's code)."""
    book = visible(Book, user).filter(code=code).first()
    if book is None:
        hidden = Book.objects.filter(code=code).first() if user is not None else None
        if hidden is not None:
            refuse(user, "ledger.book", hidden.code, hidden.region_id)
        raise NotFound(f"账套「{code}」不存在或不在您的管辖范围内")
    return book


# --- import ---------------------------------------------------------------------------------------

PHASES = {"check": "读取并校验", "write": "写入账套"}
PLAIN_FROM = 1000  # rows or vouchers


class ProgressReporter:
    """The importer's progress on stderr: a rich progress bar on a terminal, plain lines
    otherwise (logs, pipes), so long imports show they are alive either way."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.last: dict[str, int] = {}

    def __enter__(self):
        if self.tty:
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


def add_import_options(parser) -> None:
    """The options of a voucher import after the file and the book (`book import`, `import vouchers`)."""
    parser.add_argument("--post", action="store_true", help="直接记账（否则存为草稿）")
    add_as_argument(parser)


def run_import(command: BaseCommand, opts: dict) -> None:
    """Import the vouchers of `opts["file"]` into the book `opts["code"]`, all or nothing."""
    path = existing_file(opts["file"])
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        data = path.read_bytes()
        with ProgressReporter(RawStream(command.stderr)) as progress:
            result = importer.import_vouchers(actor.user, book, data, path.name, post=opts["post"], progress=progress)
    done = f"已记账 {result['posted']} 张" if opts["post"] else f"存为草稿 {result['drafts']} 张（待提交审核）"
    months = "、".join(result["months"])
    command.stdout.write(
        f"导入完成：账套 {book.code}，文件「{path.name}」，凭证 {result['vouchers']} 张、分录 {result['entries']} 条，{done}；月份 {months}"
    )


# --- export ---------------------------------------------------------------------------------------


def add_export_options(parser) -> None:
    """The options of a Beancount export after the book (`book export`, `export beancount`)."""
    parser.add_argument("--output", help="写入文件（UTF-8），否则输出到标准输出")
    add_as_argument(parser)


def run_export(command: BaseCommand, opts: dict) -> None:
    """The book `opts["code"]` as Beancount text, to `opts["output"]` or to stdout."""
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        if opts["output"]:
            with open(opts["output"], "w", encoding="utf-8") as fh:
                n = beancount.write_book(book, fh)
            command.stderr.write(f"已导出账套 {book.code}：{n} 张凭证 → {opts['output']}", style_func=str)
        else:
            beancount.write_book(book, command.stdout)


# --- verify ---------------------------------------------------------------------------------------


def add_verify_options(parser) -> None:
    """The options of a verification after the book (`book verify`, `verify`)."""
    add_as_argument(parser)


def run_verify(command: BaseCommand, opts: dict) -> None:
    """Verify the book `opts["code"]` (or every book the actor sees): one line per book, the
    problems under a book that fails (with what registered checks add), exit 1 if any fails."""
    out = command.stdout
    with cli_actor(opts["as_user"]) as actor:
        user = actor.user
        if opts["code"]:
            books = [find_book(opts["code"], user)]
        else:
            qs = Book.objects.all() if user is None else Book.objects.visible_to(user)
            books = qs.order_by("code").iterator()
        bad, count = [], 0
        for book in books:
            count += 1
            check = verify_book(book)
            # What the apps above the ledger recompute (the cooperative's share register).
            others = hooks.book_check_problems(book)
            if check.ok and not others:
                notes = "".join(f"；{n}" for n in hooks.book_notes(book))
                out.write(f"{book.code} ok（{check.vouchers} 张已记账凭证）{notes}")
            else:
                out.write(f"{book.code} 有问题：")
                for p in check.problems + others:
                    out.write(f"  {p}")
                if not check.ok:
                    # What else the mismatch affects (published disclosures carry the chain head of their day).
                    for p in hooks.verifier_problems(book):
                        out.write(f"  {p}")
                bad.append((check, others))
    if not count:
        out.write("没有可校验的账套")
    if bad:
        first, others = bad[0]
        where = f"第一张不再相符的凭证：{first.first_bad.label}；" if first.first_bad is not None else ""
        raise CommandError(f"{len(bad)} 个账套校验未通过。账套 {first.book.code}：{where}{(first.problems + others)[0]}")


# --- the book's own set-up ------------------------------------------------------------------------


def run_add(command: BaseCommand, opts: dict) -> None:
    with cli_actor(opts["as_user"]) as actor:
        book = services.create_book(
            actor.user, opts["code"], opts["region"], opts["chart"], name=opts["name"],
            credit_code=opts["credit_code"], start_date=date_option(opts["start"], "启用日期"),
        )
    command.stdout.write(
        f"已建立账套 {book.code}：{book.name}，{book.region.name}（{book.region_id}），"
        f"{book.chart} 年会计制度，启用日期 {book.start_date}；期初余额尚未确认"
        f"（sanwu book opening {book.code} --confirm）"
    )


def run_opening(command: BaseCommand, opts: dict) -> None:
    with cli_actor(opts["as_user"]) as actor:
        user = actor.user
        book = find_book(opts["code"], user)
        if not opts["balances"] and not opts["confirm"]:
            raise CommandError("请给出 --set 科目=金额 或 --confirm")
        if opts["balances"]:
            balances, problems = {}, []
            for item in opts["balances"]:
                code, sep, value = item.partition("=")
                if not sep or not code.strip():
                    problems.append(Problem(f"「{item}」应写成 科目=金额", field="set"))
                    continue
                try:
                    balances[code.strip()] = parse_yuan(value)
                except MoneyError as exc:
                    problems.append(Problem(f"科目 {code.strip()}：{exc}", field="set"))
            if problems:
                raise Invalid(problems)
            services.set_opening_balances(user, book, balances)
            total = sum(v for v in balances.values() if v > 0)
            command.stdout.write(f"账套 {book.code}：已录入 {len([v for v in balances.values() if v])} 个科目的期初余额（借方合计 {format_yuan(total)} 元）")
        if opts["confirm"]:
            services.confirm_opening(user, book)
            command.stdout.write(f"账套 {book.code}：期初余额已确认，可以记账")


def run_sub_account(command: BaseCommand, opts: dict) -> None:
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        account = services.add_sub_account(actor.user, book, opts["parent"], opts["account"], opts["name"], opts["source"])
    command.stdout.write(f"账套 {book.code}：已增设明细科目 {account.code} {account.name}")


def parse_month(text: str, what: str) -> tuple[int, int]:
    try:
        y, m = (int(x) for x in (text or "").split("-"))
        dt.date(y, m, 1)
    except ValueError:
        raise CommandError(f"{what}「{text}」应为 YYYY-MM，如 2026-11") from None
    return y, m


def run_close(command: BaseCommand, opts: dict) -> None:
    first, last = parse_month(opts["month_from"], "--from"), parse_month(opts["month_to"], "--to")
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        checks = services.close_checks(book, first, last) if first <= last else []
        closed = services.close_months(actor.user, book, first, last)
    for c in checks:
        for line in c.notes:
            command.stdout.write(f"提示 {c.label}：{line}")
    a, b = closed[0], closed[-1]
    span = f"{a.year}年{a.month}月" if len(closed) == 1 else f"{a.year}年{a.month}月至{b.year}年{b.month}月（{len(closed)} 个月）"
    command.stdout.write(f"账套 {book.code}：{span}已结账，等待乡镇确认")


def run_archive(command: BaseCommand, opts: dict) -> None:
    """Bundle a closed year as the 会计档案 (kept in Sanwu; `--output` also writes a copy)."""
    from sanwu.ledger.services import archives

    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        archive = archives.archive_year(actor.user, book, opts["year"])
    if opts["output"]:
        with archive.file.open("rb") as src, open(opts["output"], "wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                out.write(chunk)
    command.stdout.write(
        f"账套 {book.code}：{archive.year}年会计档案已生成（凭证 {archive.vouchers} 张，原始凭证 {archive.receipts} 个，"
        f"{archive.size} 字节，SHA-256 {archive.sha256}）" + (f"，已写入 {opts['output']}" if opts["output"] else "")
    )


def run_migrate_chart(command: BaseCommand, opts: dict) -> None:
    """Move the book to the new chart, then print the mapping report (or write it to --output:
    .xlsx, .csv, .json or .pdf)."""
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        move = services.migrate_chart(actor.user, book, opts["to"], opts["new_code"])
        report = services.chart_move_report(move)
    new = move.new_book
    t = report["totals"]
    output = opts["output"]
    if output and output.lower().endswith(".pdf"):
        from sanwu.core.pdf import render_pdf

        with open(output, "wb") as fh:
            fh.write(render_pdf("ledger/pdf/chart_move.html", {**report, "printed": services.today()}))
    else:
        emit(services.chart_move_table(report), None, output, command.stdout)
    command.stdout.write(
        f"账套 {book.code} 已换用{report['new_chart']}：新账套 {new.code}，启用日期 {new.start_date}，"
        f"原账 {move.cutoff} 的余额已转为新账期初余额并确认（借方合计 {format_yuan(t['new_debit'])} 元，"
        f"贷方合计 {format_yuan(t['new_credit'])} 元，与原账{'相符' if report['tied'] else '不符'}）；原账套保留备查，不再记账"
    )



# --- bank statements: `sanwu book bank-import`, `sanwu report bank-reconciliation` ---------------

BANK_IMPORT_HELP = (
    "导入银行对账单（列：交易日期 收入金额 支出金额 余额 [对方户名 摘要]，也认 存入/支取金额 等常见表头），"
    "全部成功或一笔都不导入，同一文件不能重复导入；导入后自动与银行存款日记账逐笔匹配"
)
BANK_RECONCILIATION_HELP = "银行存款余额调节表：某日的日记账余额、对账单余额与四类未达账项（须先导入对账单）"


def run_bank_import(command: BaseCommand, opts: dict) -> None:
    path = existing_file(opts["file"])
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["book"], actor.user)
        statement, matched = importer.import_bank_statement(actor.user, book, opts["account"], path.read_bytes(), path.name)
    command.stdout.write(
        f"账套 {book.code} 科目 {statement.account.code}：已导入对账单 {statement.line_count} 笔（{statement.date_from} 至 {statement.date_to}，"
        f"期末余额 {format_yuan(statement.closing_balance)} 元），自动匹配 {matched} 笔"
    )


def add_bank_reconciliation_arguments(p) -> None:
    p.add_argument("--book", required=True, help="账套编码")
    p.add_argument("--account", required=True, help="银行存款末级科目编码")
    p.add_argument("--date", required=True, help="截至日期 YYYY-MM-DD（当日日终）")
    p.add_argument("--format", choices=["csv", "json", "xlsx", "pdf"], default=None, help="csv、json、xlsx 或 pdf（不给出时在终端上显示表格）")
    p.add_argument("--output", help="写入文件（xlsx、pdf 须给出或重定向），否则输出到标准输出")
    add_as_argument(p)


def run_bank_reconciliation(opts, stdout=None) -> None:
    o = opts if isinstance(opts, dict) else vars(opts)
    day = date_option(o["date"], "--date")
    with cli_actor(o.get("as_user")) as actor:
        book = find_book(o["book"], actor.user)
        r = reconcile.bank_reconciliation(book, o["account"], day)
        fmt = o.get("format")
        if fmt == "json":
            text = json.dumps(reconcile.bank_reconciliation_json(r), ensure_ascii=False, indent=2) + "\n"
            if not write_file_or_binary(text.encode("utf-8"), o.get("output")):
                stdout.write(text)
        elif fmt == "pdf":
            write_file_or_binary(render_pdf(reconcile.PDF_TEMPLATE, reconcile.pdf_context(r)), o.get("output"), "pdf")
        else:
            emit(reconcile.bank_reconciliation_table(r), fmt, o.get("output"), stdout)



def run_year_end(command: BaseCommand, opts: dict) -> None:
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        posted = services.close_year(actor.user, book, opts["year"])
    command.stdout.write(f"账套 {book.code}：{opts['year']}年损益已结转，生成并记账 {len(posted)} 张凭证（{'、'.join(v.label for v in posted)}）")


def run_reopen_year(command: BaseCommand, opts: dict) -> None:
    """The county supervisor undoes a year's closing with a reason, as the year-end page does."""
    with cli_actor(opts["as_user"]) as actor:
        book = find_book(opts["code"], actor.user)
        posted = services.reopen_year(actor.user, book, opts["year"], opts["reason"])
    command.stdout.write(
        f"账套 {book.code}：{opts['year']}年的结转已冲销（红字凭证 {len(posted)} 张：{'、'.join(v.label for v in posted)}），"
        f"可补记本年收支后重新结转（sanwu book year-end {book.code} --year {opts['year']}）"
    )


VERBS = {
    "add": run_add,
    "opening": run_opening,
    "sub-account": run_sub_account,
    "import": run_import,
    "export": run_export,
    "verify": run_verify,
    "close": run_close,
    "archive": run_archive,
    "migrate-chart": run_migrate_chart,
    "bank-import": run_bank_import,
    "year-end": run_year_end,
    "reopen-year": run_reopen_year,
}


class Command(SanwuCommand):
    help = (
        "账套：add（新建）、opening（期初余额）、sub-account（增设明细科目）、"
        "import（导入凭证）、export（导出 Beancount）、verify（核对防篡改校验码与发生额）、close（按月份范围结账）、year-end（年终结转）、reopen-year（反结转）、"
        "archive（会计档案）、migrate-chart（换用2023年会计制度）、bank-import（导入银行对账单）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新建账套并装入会计制度的科目表")
        add.add_argument("code", help="账套编码（示例数据用村的12位区划代码）")
        add.add_argument("--region", required=True, help="所属村的区划代码")
        add.add_argument("--chart", required=True, choices=list(CHART_VERSIONS), help="会计制度：2023 或 2004")
        add.add_argument("--name", default="", help="集体经济组织名称（默认：村名+股份经济合作社）")
        add.add_argument("--credit-code", default="", help="统一社会信用代码（可选，给出时校验）")
        add.add_argument("--start", help="启用日期 YYYY-MM-DD（默认：今年1月1日）")
        add_as_argument(add)

        op = sub.add_parser("opening", help="录入（--set 科目=金额）并确认（--confirm）期初余额")
        op.add_argument("code", help="账套编码")
        op.add_argument("--set", dest="balances", nargs="+", default=[], metavar="科目=元",
                        help="期初余额，借方为正、贷方为负，如 101=1200.00 301=-1200.00；替换全部已录入的期初余额")
        op.add_argument("--confirm", action="store_true", help="检查借贷平衡并确认（确认后才能记账）")
        add_as_argument(op)

        acc = sub.add_parser("sub-account", help="在标准科目下增设明细科目")
        acc.add_argument("code", help="账套编码")
        acc.add_argument("--parent", required=True, help="上级科目编码，如 501")
        acc.add_argument("--account", required=True, help="明细科目编码：上级编码加两位，如 50101")
        acc.add_argument("--name", required=True, help="科目名称")
        acc.add_argument("--source", default="", choices=["", *SOURCES], help="默认收入来源")
        add_as_argument(acc)

        imp = sub.add_parser("import", help=IMPORT_HELP + "，全部成功或一条都不导入")
        imp.add_argument("code", help="账套编码")
        imp.add_argument("file", help="CSV（UTF-8 或 GBK）或 XLSX 文件")
        add_import_options(imp)

        exp = sub.add_parser("export", help=EXPORT_HELP)
        exp.add_argument("code", help="账套编码")
        add_export_options(exp)

        ver = sub.add_parser("verify", help=VERIFY_HELP)
        ver.add_argument("code", nargs="?", help="只校验这个账套（默认全部账套）")
        add_verify_options(ver)

        close = sub.add_parser("close", help="结账：从 --from 到 --to 的各月一次结账（全部成功或一个月都不结）；只结一个月时两者相同")
        close.add_argument("code", help="账套编码")
        close.add_argument("--from", dest="month_from", required=True, metavar="YYYY-MM", help="起始月份")
        close.add_argument("--to", dest="month_to", required=True, metavar="YYYY-MM", help="结束月份（含）")
        close.add_argument("--as", dest="as_user", help="以该用户身份操作（按其管辖范围检查）")

        arc = sub.add_parser("archive", help="会计档案：把 12 月已结账的一年打包（报表、账簿、凭证 PDF、原始凭证、CSV 数据、校验清单）并保存")
        arc.add_argument("code", help="账套编码")
        arc.add_argument("--year", type=int, required=True, help="会计年度")
        arc.add_argument("--output", help="另存一份 ZIP 到这个文件")
        add_as_argument(arc)
        mig = sub.add_parser(
            "migrate-chart",
            help="新旧会计制度衔接（财会〔2023〕20号）：在年度之间为同一集体经济组织建立新制度账套，"
                 "原账年末余额按科目对照转为新账期初余额，打印对照表；原账套保留备查",
        )
        mig.add_argument("code", help="原账套编码")
        mig.add_argument("--to", required=True, choices=["2023"], help="新会计制度：2023")
        mig.add_argument("--new-code", dest="new_code", required=True, help="新账套编码")
        mig.add_argument("--output", help="对照表写入文件（按扩展名 .xlsx/.csv/.json/.pdf），否则输出到标准输出")
        add_as_argument(mig)
        bank = sub.add_parser("bank-import", help=BANK_IMPORT_HELP)
        bank.add_argument("file", help="CSV（UTF-8 或 GBK）或 XLSX 文件")
        bank.add_argument("--book", required=True, help="账套编码")
        bank.add_argument("--account", required=True, help="银行存款末级科目编码，如 102 或 10201")
        add_as_argument(bank)
        ye = sub.add_parser("year-end", help="年终结转：损益结转本年收益，本年收益及各项分配转入未分配收益（与年终结转页面相同）")
        ye.add_argument("code", help="账套编码")
        ye.add_argument("--year", required=True, type=int, help="结转的年度")
        add_as_argument(ye)
        ry = sub.add_parser("reopen-year", help="反结转：县级监管填写原因，冲销某年的结转凭证并重新打开12月（与年终结转页面相同）")
        ry.add_argument("code", help="账套编码")
        ry.add_argument("--year", required=True, type=int, help="要重新打开的年度")
        ry.add_argument("--reason", required=True, help="反结转原因（记入审计记录）")
        add_as_argument(ry)

    def handle(self, *args, action, **opts):
        VERBS[action](self, opts)
