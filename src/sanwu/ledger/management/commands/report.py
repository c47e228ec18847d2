"""`sanwu report <statement>`: the one family of printed statements. The ledger's own is
`trial-balance`; apps above the ledger add theirs through `ledger.hooks.register_report` (the
economy app's `sanwu report economy`), so this command imports none of them."""

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import add_as_argument, add_table_arguments, cli_actor, emit
from sanwu.ledger import hooks
from sanwu.ledger.services import reports

from .book import find_book


class Command(BaseCommand):
    help = (
        "报表：trial-balance --book CODE --year Y [--month M | --from M --to M] [--format csv|json|xlsx] [--output FILE]；"
        "以及其他应用登记的报表（见下方列表）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        tb = sub.add_parser("trial-balance", help="科目余额表（某月或某几个月；不给月份时为全年）")
        tb.add_argument("--book", required=True, help="账套编码")
        tb.add_argument("--year", type=int, required=True)
        tb.add_argument("--month", type=int, help="单月")
        tb.add_argument("--from", dest="month_from", type=int, help="起始月")
        tb.add_argument("--to", dest="month_to", type=int, help="截止月")
        add_table_arguments(tb)
        add_as_argument(tb)
        for report in hooks.registered_reports():
            report.add_arguments(sub.add_parser(report.name, help=report.help))

    def handle(self, *args, report, **opts):
        registered = {r.name: r for r in hooks.registered_reports()}
        if report in registered:
            return registered[report].run(opts, self.stdout)
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
        with cli_actor(opts["as_user"]) as actor:
            book = find_book(opts["book"], actor.user)
            tb = reports.trial_balance(book, opts["year"], m_from, m_to)
            table = reports.trial_balance_table(tb)
            table.title = f"{book.name} {table.title}"
            emit(table, opts["format"], opts["output"], self.stdout)
