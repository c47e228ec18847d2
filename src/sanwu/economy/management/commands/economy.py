"""`sanwu economy <verb>`: the collective-economy tables (`report`, `awards`), a county's rules
(`rules`), the township's decision on a cadre reward (`approve`, `reject`) and the statistics
brief (`brief`). `sanwu brief …` (the alias module `brief.py`) runs the same brief through
`add_brief_arguments` and `run_brief` below.

`sanwu report economy` (the ledger's `report` command owns `sanwu report`) runs `run_report`,
with the options `add_report_arguments` adds and the help `REPORT_HELP` — the same function as
`sanwu economy report`. Register exactly these three with `ledger.hooks.register_report`.

The command parses, calls the services and prints; tables go through `core.cli_support.emit`
(`--format csv|json|xlsx`, `--output`). `--as USER` acts as that user, within their scope."""

import json
import sys

from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_table_arguments, cli_actor, emit, SanwuCommand, write_file_or_binary
from sanwu.core.errors import NotFound
from sanwu.core.money import format_yuan
from sanwu.economy import services, tables

REPORT_HELP = "集体经济：各村经营性收入、经营收益、总收入、光伏收入、补助收入、类别、档次（每村一行）"
STATISTICS_HELP = "农经统计年报：村集体经济组织收益分配统计表、资产负债情况统计表（乡镇、县或市，由各村报表汇总）"
BRIEF_HELP = "集体经济统计简报：brief --region CODE --year Y [--base-year B] [--format text|html|pdf] [--output FILE]"


def region_or_error(user, code: str):
    """The region the user may see, or a plain Chinese error for the command line."""
    try:
        return services.region_for(user, code)
    except NotFound:  # `region_for` goes through the scope gate (`permissions.get_visible`)
        raise CommandError(f"区划「{code}」不存在，或不在管辖范围内") from None


# --- `sanwu report economy` = `sanwu economy report` -------------------------------------------------


def add_report_parser(subparsers):
    """`economy` as a statement of `sanwu report` (the ledger's command adds it to its subparsers)."""
    p = subparsers.add_parser("economy", help=REPORT_HELP)
    add_report_arguments(p)
    return p


def add_report_arguments(p) -> None:
    p.add_argument("--region", required=True, help="区划代码（市、县、乡镇或村）")
    p.add_argument("--year", type=int, required=True, help="年度")
    add_table_arguments(p)
    add_as_argument(p)


def run_report(opts, stdout=None) -> None:
    """One row per village in the region: code, name, operating income, operating return, total
    income, PV income, subsidy income (yuan), class, tier."""
    o = opts if isinstance(opts, dict) else vars(opts)
    with cli_actor(o.get("as_user")) as actor:
        region = region_or_error(actor.user, o["region"])
        year = services.check_year(o["year"])
        table = tables.report_table(services.village_years(actor.user, region, year, with_prev=False), f"{region.name}{year}年集体经济")
        emit(table, o.get("format"), o.get("output"), stdout)


# --- `sanwu report statistics`: the annual 农经统计 forms -------------------------------------------


def add_statistics_arguments(p) -> None:
    p.add_argument("--region", required=True, help="区划代码（乡镇、县或市）")
    p.add_argument("--year", type=int, required=True, help="年度")
    p.add_argument("--format", choices=["json", "xlsx", "csv"], default="json", help="json（默认，金额单位分）、xlsx（两张表按原表格式上下排列）或 csv")
    p.add_argument("--output", help="写入文件（xlsx 须给出或重定向），否则输出到标准输出")
    add_as_argument(p)


def run_statistics(opts, stdout=None) -> None:
    """Both forms of the region's year, summed from the village statements that tie; those that
    do not are listed apart (JSON `not_tied`, and at the foot of the Excel)."""
    o = opts if isinstance(opts, dict) else vars(opts)
    with cli_actor(o.get("as_user")) as actor:
        region = region_or_error(actor.user, o["region"])
        stats = services.statistics.statistics(actor.user, region, o["year"])
        fmt = o.get("format") or "json"
        if fmt == "json":
            data = json.dumps(tables.statistics_data(stats), ensure_ascii=False, indent=1).encode("utf-8")
            if not write_file_or_binary(data, o.get("output")):
                (stdout or sys.stdout).write(data.decode("utf-8") + "\n")
        else:
            emit(tables.statistics_table(stats), fmt, o.get("output"), stdout)


# --- `sanwu economy brief` = `sanwu brief` -----------------------------------------------------------


def add_brief_arguments(parser) -> None:
    parser.add_argument("--region", required=True, help="区划代码（市、县、乡镇或村）")
    parser.add_argument("--year", type=int, required=True, help="统计年度")
    parser.add_argument("--base-year", type=int, help="比较基准年（默认上一年）")
    parser.add_argument("--format", choices=["text", "html", "pdf"], default="text", help="text：文本；html：可用 Word 打开的 .doc；pdf")
    parser.add_argument("--output", help="写入文件（pdf 须给出或重定向），否则输出到标准输出")
    add_as_argument(parser)


def run_brief(opts: dict, stdout) -> None:
    with cli_actor(opts["as_user"]) as actor:
        region = region_or_error(actor.user, opts["region"])
        b = services.brief.build(actor.user, region, opts["year"], opts["base_year"])
        fmt = opts["format"]
        if fmt == "pdf":
            data = services.brief.to_pdf(b)
        elif fmt == "html":
            data = services.brief.to_doc_html(b).encode("utf-8")
        else:
            data = services.brief.to_text(b).encode("utf-8")
    if not write_file_or_binary(data, opts["output"], fmt if fmt == "pdf" else None):
        stdout.write(data.decode("utf-8"), ending="")


# --- The area command ------------------------------------------------------------------------------


class Command(SanwuCommand):
    help = "集体经济：report（各村指标）、awards（奖励名单）、rules（县规则）、approve / reject（乡镇审核村干部奖励）、brief（统计简报，同 sanwu brief）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add_report_arguments(sub.add_parser("report", help="各村指标，每村一行（与 sanwu report economy 相同）"))
        aw = sub.add_parser("awards", help="奖励名单：体量奖、增量奖、村干部奖励及核准状态")
        add_report_arguments(aw)
        rules = sub.add_parser("rules", help="显示一个县的集体经济规则（JSON，金额单位分）")
        rules.add_argument("--county", required=True)
        add_as_argument(rules)
        for name, help_text in (("approve", "乡镇核准村干部奖励"), ("reject", "乡镇不予核准村干部奖励")):
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--village", required=True)
            p.add_argument("--year", type=int, required=True)
            p.add_argument("--reason", default="", help="说明（不予核准时必填）")
            add_as_argument(p)
        add_brief_arguments(sub.add_parser("brief", help=BRIEF_HELP))

    def handle(self, *args, action, **opts):
        if action == "report":
            return run_report(opts, self.stdout)
        if action == "brief":
            return run_brief(opts, self.stdout)
        with cli_actor(opts.get("as_user")) as actor:
            if action == "awards":
                region = region_or_error(actor.user, opts["region"])
                year = services.check_year(opts["year"])
                emit(tables.awards_table(services.award_rows(actor.user, region, year), f"{region.name}{year}年奖励名单"), opts["format"], opts["output"], self.stdout)
            elif action == "rules":
                region = region_or_error(actor.user, opts["county"])
                if region.level != "county":
                    raise CommandError(f"「{region.name}」不是县")
                s = services.settings_for(region.code)
                out = {"county": region.code, "name": region.name, **services.settings_snapshot(s)}
                self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            elif action in ("approve", "reject"):
                if action == "approve":
                    r = services.approve_cadre_reward(actor.user, opts["village"], opts["year"], opts["reason"])
                else:
                    r = services.reject_cadre_reward(actor.user, opts["village"], opts["year"], opts["reason"])
                self.stdout.write(f"{opts['village']} {r.year}年度村干部奖励：{r.get_status_display()}，金额 {format_yuan(r.amount)} 元")
