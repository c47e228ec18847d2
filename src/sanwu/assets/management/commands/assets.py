import json

from django.core.management.base import CommandError

from sanwu.core.cli_support import (
    SanwuCommand,
    add_as_argument, add_list_arguments, add_table_arguments, cli_actor, emit, existing_file, output_format, within, write_file_or_binary,
)
from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.core.permissions import get_visible, visible
from sanwu.demo.parts import load_part
from sanwu.ledger.models import Book

from sanwu.assets import rules, services
from sanwu.assets.imports import import_cards, import_resources
from sanwu.assets.models import Card
from sanwu.assets.tables import areas_table, cards_table, plan_json, plan_table, ties_table


class Command(SanwuCommand):
    help = (
        "资产台账：import（导入资产卡片）、list（列出卡片）、depreciate（本月折旧：预览，--post 生成凭证并提交审核）、"
        "check（卡片与账簿核对）、import-resources（导入资源性资产）、resources（资源面积按利用方式）、setting（县级参数）、demo（载入示例资产台账）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="从 CSV/XLSX 导入账套的资产卡片（全部成功或全部不导入）")
        imp.add_argument("file")
        imp.add_argument("--book", required=True, help="账套编码")
        add_as_argument(imp)

        lst = sub.add_parser("list", help="列出资产卡片")
        add_list_arguments(lst, statuses=rules.STATES, within="只列出该区划（代码）内账套的卡片")
        lst.add_argument("--book", help="账套编码")

        dep = sub.add_parser("depreciate", help="一个月的折旧与摊销：每张卡片与合计（分）；--post 生成凭证并提交乡镇审核")
        dep.add_argument("--book", required=True)
        dep.add_argument("--year", type=int, required=True)
        dep.add_argument("--month", type=int, required=True)
        dep.add_argument("--post", action="store_true", help="记录本月折旧，生成凭证并提交审核（审核、记账同其他凭证）")
        add_table_arguments(dep)
        add_as_argument(dep)

        check = sub.add_parser("check", help="资产台账与账簿核对（原值、累计折旧）")
        check.add_argument("--book", required=True)
        add_table_arguments(check)
        add_as_argument(check)

        setting = sub.add_parser("setting", help="县级参数：处置须经四议两公开的原值标准、各种类资产的使用年限与残值率")
        setting.add_argument("--county", required=True)
        setting.add_argument("--disposal-threshold", help="原值达到该金额（元）的资产处置须关联四议两公开事项")
        setting.add_argument("--kind", choices=list(rules.KINDS), help="资产种类")
        setting.add_argument("--life-months", type=int)
        setting.add_argument("--residual-rate", help="残值率（%%）")
        add_as_argument(setting)

        res_imp = sub.add_parser("import-resources", help="从 CSV/XLSX 导入村的资源性资产（土地、林地、荒山、水面、集体建设用地）")
        res_imp.add_argument("file")
        res_imp.add_argument("--village", required=True, help="村的区划代码")
        add_as_argument(res_imp)

        res = sub.add_parser("resources", help="资源面积按利用方式（亩）：区划下每个村（乡镇、村民小组）一行，含本年盘活的闲置、低效资源")
        res.add_argument("--region", required=True, help="区划代码（市、县、乡镇或村）")
        res.add_argument("--year", type=int, help="盘活面积的年度（默认今年）")
        add_table_arguments(res)
        add_as_argument(res)

        demo = sub.add_parser("demo", help="为示例城市载入资产台账（同 sanwu demo --only assets）")
        demo.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, action, **opts):
        if action == "demo":
            with cli_actor():
                self.stdout.write(load_part("assets", seed=opts["seed"]))
            return
        with cli_actor(opts.get("as_user")) as actor:
            getattr(self, f"_{action}")(actor.user, opts)

    def _book(self, user, code: str) -> Book:
        return get_visible(Book, user, code=code)

    def _import(self, user, opts):
        path = existing_file(opts["file"])
        book = self._book(user, opts["book"])
        cards = import_cards(user, book, path.read_bytes(), path.name)
        self.stdout.write(f"已导入{book.name}的资产卡片 {len(cards)} 张，原值合计 {format_yuan(sum(c.cost for c in cards))} 元\n")

    def _list(self, user, opts):
        qs = within(visible(Card, user), opts["within"], "book__region__code").select_related("book", "account")
        if opts["book"]:
            qs = qs.filter(book=self._book(user, opts["book"]))
        if opts["status"]:
            qs = qs.filter(state=opts["status"])
        emit(cards_table(qs.order_by("book__code", "number").iterator(chunk_size=2_000)), opts["format"], opts["output"], self.stdout)

    def _depreciate(self, user, opts):
        book = self._book(user, opts["book"])
        year, month = opts["year"], opts["month"]
        if opts["post"]:
            services.run_month(user, book, year, month)
        p = services.plan(book, year, month)
        fmt = output_format(opts["format"], opts["output"])
        if fmt == "json":
            data = json.dumps(plan_json(p), ensure_ascii=False, indent=2).encode() + b"\n"
            if not write_file_or_binary(data, opts["output"]):
                self.stdout.write(data.decode())
            return
        if fmt:
            emit(plan_table(p), fmt, opts["output"], self.stdout)
            return
        emit(plan_table(p), None, None, self.stdout)
        if p.run is not None:
            where = f"，凭证 {p.run.voucher.label}（{p.run.voucher.get_status_display()}）" if p.run.voucher else ""
            self.stdout.write(f"{p.label}已计提折旧 {format_yuan(p.total)} 元（{p.run.get_status_display()}{where}）\n")
        elif p.problems:
            self.stdout.write("不能计提：" + "；".join(str(x) for x in p.problems) + "\n")
        else:
            self.stdout.write(f"{p.label}应计提折旧 {format_yuan(p.total)} 元（{len(p.lines)} 张卡片）；加 --post 生成凭证并提交审核\n")

    def _import_resources(self, user, opts):
        from sanwu.regions.models import Region

        path = existing_file(opts["file"])
        village = get_visible(Region, user, code=opts["village"])
        made = import_resources(user, village, path.read_bytes(), path.name)
        self.stdout.write(f"已导入{village.name}的资源性资产 {len(made)} 项，面积合计 {rules.area_label(sum(r.area_cmu for r in made))} 亩\n")

    def _resources(self, user, opts):
        from sanwu.regions.models import Region

        region = get_visible(Region, user, code=opts["region"])
        emit(areas_table(services.areas_by_use(region.code, opts["year"]), f"{region.name}资源面积（亩）按利用方式"), opts["format"], opts["output"], self.stdout)

    def _check(self, user, opts):
        book = self._book(user, opts["book"])
        if services.register_of(book) is None:
            self.stdout.write(f"{book.code} 尚未建立资产台账\n")
            return
        ties = services.ties(book)
        emit(ties_table(ties), opts["format"], opts["output"], self.stdout)
        if not all(t.ok for t in ties):
            raise CommandError(f"{book.code} 资产台账与账簿不符")

    def _setting(self, user, opts):
        threshold = None
        if opts["disposal_threshold"] is not None:
            try:
                threshold = parse_yuan(opts["disposal_threshold"])
            except MoneyError as exc:
                raise CommandError(f"金额「{opts['disposal_threshold']}」无效：{exc}") from None
        residual = None
        if opts["residual_rate"] is not None:
            residual = rules.parse_rate(opts["residual_rate"])
            if residual is None:
                raise CommandError(f"残值率「{opts['residual_rate']}」无效")
        s = services.set_settings(user, opts["county"], disposal_matter_threshold=threshold, kind=opts["kind"],
                                  life_months=opts["life_months"], residual_bp=residual)
        self.stdout.write(f"{opts['county']}：处置原值达到 {format_yuan(s.disposal_matter_threshold)} 元须经四议两公开\n")
