"""`sanwu report <statement>`: the one family of printed statements. The ledger's own are the
trial balance, the balance sheet, the income statement, the general ledger, the account ledger
and the cash and bank journals — each the figures, the Table and the PDF of its page
(`services.statements`); apps above the ledger add theirs through `ledger.hooks.register_report`
(the economy app's `sanwu report economy`), so this command imports none of them."""

import datetime as dt
import json

from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_table_arguments, cli_actor, date_option, emit, FORMATS, output_format, SanwuCommand, write_file_or_binary
from sanwu.core.errors import NotFound
from sanwu.core.permissions import get_visible
from sanwu.ledger import hooks
from sanwu.ledger.services import ageing, reports, statements
from sanwu.regions.models import Region

from .book import find_book

PRINT_FORMATS = FORMATS + ("pdf",)

# The ledger's statements besides the trial balance: help, and which of --month / --account they take.
STATEMENTS = {
    "balance-sheet": ("资产负债表（某月末；不给月份时为年末）", {"month"}),
    "income-statement": ("收益及收益分配表（全年，或 1 月至 --month）", {"month"}),
    "general-ledger": ("总账（一级科目逐月合计）", set()),
    "account-ledger": ("明细账（一个科目及其明细科目，全年逐笔）", {"account"}),
    "cash-journal": ("现金日记账（全年，或 --month 当月）", {"month"}),
    "bank-journal": ("银行日记账（全年，或 --month 当月）", {"month"}),
}


def _number(text: str | None, what: str, lo: int, hi: int) -> int | None:
    if text is None:
        return None
    try:
        value = int(str(text).strip())
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        raise CommandError(f"{what}「{text}」无效（应在 {lo} 到 {hi} 之间）")
    return value


class Command(SanwuCommand):
    help = (
        "报表：trial-balance --book CODE --year Y [--month M | --from M --to M]；"
        "balance-sheet|income-statement|cash-journal|bank-journal --book CODE --year Y [--month M]；"
        "general-ledger --book CODE --year Y；account-ledger --book CODE --account CODE --year Y；"
        "各报表 [--format csv|json|xlsx|pdf] [--output FILE]；以及其他应用登记的报表（见下方列表）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        tb = sub.add_parser("trial-balance", help="科目余额表（某月或某几个月；不给月份时为全年）")
        tb.add_argument("--book", required=True, help="账套编码")
        tb.add_argument("--year", type=int, required=True)
        tb.add_argument("--month", type=int, help="单月")
        tb.add_argument("--from", dest="month_from", type=int, help="起始月")
        tb.add_argument("--to", dest="month_to", type=int, help="截止月")
        add_table_arguments(tb, PRINT_FORMATS)
        add_as_argument(tb)
        for name, (help_text, options) in STATEMENTS.items():
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--book", required=True, help="账套编码")
            p.add_argument("--year", required=True, help="年份")
            if "month" in options:
                p.add_argument("--month", help="月份 1–12")
            if "account" in options:
                p.add_argument("--account", required=True, help="科目编码（上级科目含其明细科目）")
            add_table_arguments(p, PRINT_FORMATS)
            add_as_argument(p)
        for report in hooks.registered_reports():
            report.add_arguments(sub.add_parser(report.name, help=report.help))

    def handle(self, *args, report, **opts):
        registered = {r.name: r for r in hooks.registered_reports()}
        if report in registered:
            return registered[report].run(opts, self.stdout)
        if report == "trial-balance":
            year, (month_from, month) = self._trial_balance_months(opts)
        else:
            year = _number(opts["year"], "年份", 1901, 2199)
            month = _number(opts.get("month"), "月份", 1, 12)
        with cli_actor(opts["as_user"]) as actor:
            book = find_book(opts["book"], actor.user)
            # The same figures the report's page shows (`reports.report_data`).
            if report == "trial-balance":
                data = reports.report_data(book, report, year=year, month_from=month_from, month=month)
            elif report in ("cash-journal", "bank-journal") and month:
                data = reports.report_data(book, report, year=year, date_from=dt.date(year, month, 1), date_to=reports.month_end(year, month))
            else:
                data = reports.report_data(book, report, year=year, month=month, account=opts.get("account"))
            self._print(report, data, opts)

    @staticmethod
    def _trial_balance_months(opts) -> tuple[int, tuple[int, int]]:
        month, m_from, m_to = opts["month"], opts["month_from"], opts["month_to"]
        if month is not None and (m_from is not None or m_to is not None):
            raise CommandError("--month 与 --from/--to 只能选一种")
        if month is not None:
            m_from = m_to = month
        else:
            m_from = m_from or 1
            m_to = m_to or 12
        for m in (m_from, m_to):
            if not 1 <= m <= 12:
                raise CommandError(f"月份「{m}」应在 1 到 12 之间")
        if m_from > m_to:
            raise CommandError(f"起始月 {m_from} 晚于截止月 {m_to}")
        if not 1900 < opts["year"] < 2200:
            raise CommandError(f"年份「{opts['year']}」无效")
        return opts["year"], (m_from, m_to)

    def _print(self, report: str, data: dict, opts) -> None:
        output = opts["output"]
        fmt = output_format(opts["format"], output, PRINT_FORMATS)
        if fmt == "pdf":
            write_file_or_binary(statements.render_pdf(report, data), output, "pdf")
            return
        if fmt == "json" and report in statements.DOCUMENTS:
            text = json.dumps(statements.document(report, data), ensure_ascii=False, indent=2) + "\n"
            if not write_file_or_binary(text.encode("utf-8"), output):
                self.stdout.write(text, ending="")
            return
        table = statements.table(report, data)
        table.title = f"{data['book'].name} {table.title}"
        emit(table, fmt, output, self.stdout)


# --- 往来款项明细 (ageing): registered with ledger.hooks from LedgerConfig.ready() -------------

AGEING_HELP = "往来款项明细（账龄）：--book CODE 或 --region CODE，--date YYYY-MM-DD；按往来单位的应收款、应付款、内部往来余额及1年以内、1–2年、2–3年、3年以上"


def add_ageing_arguments(parser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--book", help="账套编码：逐个往来单位")
    which.add_argument("--region", help="区划代码（乡镇、县或市）：按村汇总")
    parser.add_argument("--date", required=True, help="截止日期 YYYY-MM-DD")
    add_table_arguments(parser)
    add_as_argument(parser)


def run_ageing(opts: dict, stdout=None) -> None:
    as_of = date_option(opts["date"], "截止日期")
    with cli_actor(opts.get("as_user")) as actor:
        if opts.get("book"):
            book = find_book(opts["book"], actor.user)
            table = ageing.book_ageing_table(ageing.book_ageing(actor.user, book, as_of))
            table.title = f"{book.name} {table.title}"
        else:
            try:
                region = get_visible(Region, actor.user, code=opts["region"])
            except NotFound:
                raise CommandError(f"区划「{opts['region']}」不存在，或不在管辖范围内") from None
            table = ageing.region_ageing_table(ageing.region_ageing(actor.user, region, as_of))
        emit(table, opts.get("format"), opts.get("output"), stdout)
