"""`sanwu oversight`: run-daily (the time-based rules), rescan (the posting rules over books
already posted), warnings (list in scope, --format csv|json|xlsx; the columns of the page's
export, `tables.warnings_table`)."""

from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_status_argument, add_table_arguments, cli_actor, date_option, emit, SanwuCommand
from sanwu.core.dates import today
from sanwu.ledger.models import Book
from sanwu.oversight import services, tables
from sanwu.oversight.models import STATUSES
from sanwu.oversight.rules import RULES


class Command(SanwuCommand):
    help = "实时监管：run-daily（每日预警检查）、rescan（对已记账凭证补跑记账规则）、warnings（预警列表）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        daily = sub.add_parser("run-daily", help="运行按日检查的规则（逾期未结账、逾期未公开、逾期未答复）；重复运行不会重复预警")
        daily.add_argument("--date", help="按哪一天检查 YYYY-MM-DD（默认今天，北京时间）")

        rescan = sub.add_parser("rescan", help="对已记账凭证补跑记账时的规则（不会重复预警）")
        rescan.add_argument("--book", action="append", default=[], help="账套编码（可重复；默认全部账套）")

        ls = sub.add_parser("warnings", help="列出管辖范围内的预警")
        add_status_argument(ls, dict(STATUSES))
        ls.add_argument("--rule", choices=list(RULES), help="规则")
        ls.add_argument("--region", default="", help="区划代码（县、乡镇或村）")
        add_table_arguments(ls)
        add_as_argument(ls)

    def handle(self, *args, action, **opts):
        if action == "run-daily":
            as_of = date_option(opts.get("date"))
            with cli_actor() as actor:
                result = services.run_daily(actor.user, as_of)
            day = as_of or today()
            total = sum(result.values())
            parts = "，".join(f"{RULES[k].label} {v}" for k, v in result.items())
            self.stdout.write(f"{day} 每日检查完成：新增预警 {total} 条（{parts}）。")
            return
        if action == "rescan":
            books = Book.objects.order_by("code")
            if opts["book"]:
                books = books.filter(code__in=opts["book"])
                missing = set(opts["book"]) - set(books.values_list("code", flat=True))
                if missing:
                    raise CommandError(f"账套「{'、'.join(sorted(missing))}」不存在")
            created = 0
            with cli_actor():
                for book in books:
                    created += services.rescan_book(book)
            self.stdout.write(f"补跑完成：{books.count()} 个账套，新增预警 {created} 条。")
            return
        with cli_actor(opts.get("as_user")) as actor:
            region = services.region_in_scope(actor.user, opts["region"], "oversight.warnings")
            f = services.WarningFilter(status=opts.get("status") or "", rule=opts.get("rule") or "", region=region)
            qs = services.warnings(actor.user, f)
            emit(tables.warnings_table(qs[:100000]), opts["format"], opts.get("output"), self.stdout)

