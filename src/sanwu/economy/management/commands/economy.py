import json

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor, emit
from sanwu.core.money import format_yuan
from sanwu.economy import cli, exports, services


class Command(BaseCommand):
    help = "集体经济：report（各村指标）、awards（奖励名单）、rules（县规则）、approve / reject（乡镇审核村干部奖励）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cli.add_report_arguments(sub.add_parser("report", help="各村指标，每村一行（与 sanwu report economy 相同）"))
        aw = sub.add_parser("awards", help="奖励名单：体量奖、增量奖、村干部奖励及核准状态")
        cli.add_report_arguments(aw)
        rules = sub.add_parser("rules", help="显示一个县的集体经济规则（JSON，金额单位分）")
        rules.add_argument("--county", required=True)
        rules.add_argument("--as", dest="as_user")
        for name, help_text in (("approve", "乡镇核准村干部奖励"), ("reject", "乡镇不予核准村干部奖励")):
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--village", required=True)
            p.add_argument("--year", type=int, required=True)
            p.add_argument("--reason", default="", help="说明（不予核准时必填）")
            p.add_argument("--as", dest="as_user", help="以该用户身份操作（默认系统操作员）")

    def handle(self, *args, action, **opts):
        if action == "report":
            return cli.run_report(opts, self.stdout)
        with cli_actor(opts.get("as_user")) as actor:
            if action == "awards":
                region = cli.region_or_error(actor.user, opts["region"])
                year = services.check_year(opts["year"])
                emit(exports.awards_table(services.award_rows(actor.user, region, year), f"{region.name}{year}年奖励名单"), opts["format"], opts["output"], self.stdout)
            elif action == "rules":
                region = cli.region_or_error(actor.user, opts["county"])
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
