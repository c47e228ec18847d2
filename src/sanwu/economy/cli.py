"""The economy's command-line pieces. `sanwu report economy` is a report of the ledger's
`report` command (which owns `sanwu report`): `EconomyConfig.ready()` registers it there with
`ledger.hooks.register_report("economy", add_report_arguments, run_report, help=REPORT_HELP)`.

`sanwu economy report …` (this app's own command) runs the same function.
"""

from django.core.management.base import CommandError
from django.http import Http404

from sanwu.core.cli_support import cli_actor, emit

from . import exports, services


REPORT_HELP = "集体经济：各村经营性收入、经营收益、总收入、光伏收入、补助收入、类别、档次（每村一行）"


def add_report_parser(subparsers):
    p = subparsers.add_parser("economy", help=REPORT_HELP)
    add_report_arguments(p)
    return p


def add_report_arguments(p) -> None:
    p.add_argument("--region", required=True, help="区划代码（市、县、乡镇或村）")
    p.add_argument("--year", type=int, required=True, help="年度")
    p.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    p.add_argument("--output", help="写入文件（xlsx 须给出），否则输出到标准输出")
    p.add_argument("--as", dest="as_user", help="以该用户身份查看（按其管辖范围检查）")


def _opts(opts) -> dict:
    return opts if isinstance(opts, dict) else vars(opts)


def region_or_error(user, code: str):
    try:
        return services.region_for(user, code)
    except Http404:
        raise CommandError(f"区划「{code}」不存在，或不在管辖范围内") from None


def run_report(opts, stdout=None) -> None:
    """One row per village in the region: code, name, operating income, operating return, total
    income, PV income, subsidy income (yuan), class, tier."""
    o = _opts(opts)
    with cli_actor(o.get("as_user")) as actor:
        region = region_or_error(actor.user, o["region"])
        year = services.check_year(o["year"])
        table = exports.report_table(services.village_years(actor.user, region, year, with_prev=False), f"{region.name}{year}年集体经济")
        emit(table, o.get("format") or "csv", o.get("output"), stdout)
