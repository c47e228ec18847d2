"""`sanwu report ageing`: 往来款项明细 with ageing, registered with `ledger.hooks.register_report`
from `LedgerConfig.ready()` (the report command itself names only the trial balance).

    sanwu report ageing --book CODE | --region CODE --date YYYY-MM-DD [--format csv|json|xlsx] [--output F] [--as USERNAME]

A book: a row per counterparty and section (应收款, 应付款, 内部往来), person counterparties masked
unless the acting user works in the book's village. A region: a row per village and section."""

from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_table_arguments, cli_actor, date_option, emit
from sanwu.core.errors import NotFound
from sanwu.core.permissions import get_visible
from sanwu.regions.models import Region

from ..services import ageing
from .commands.book import find_book

HELP = "往来款项明细（账龄）：--book CODE 或 --region CODE，--date YYYY-MM-DD；按往来单位的应收款、应付款、内部往来余额及1年以内、1–2年、2–3年、3年以上"


def add_arguments(parser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--book", help="账套编码：逐个往来单位")
    which.add_argument("--region", help="区划代码（乡镇、县或市）：按村汇总")
    parser.add_argument("--date", required=True, help="截止日期 YYYY-MM-DD")
    add_table_arguments(parser)
    add_as_argument(parser)


def run(opts: dict, stdout=None) -> None:
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
