"""`sanwu demo`: the one demo entry point. Without `--only`, the whole demo city into an empty
database; with `--only KEY`, one app's part into a database that holds the city (what
`sanwu decisions demo`, `sanwu partywork demo` and `sanwu assessment demo` do too)."""

import time

from django.conf import settings
from django.core.management.base import CommandError

from sanwu.core.cli_support import cli_actor, SanwuCommand
from sanwu.demo import generator, parts
from sanwu.regions.models import Region


class Command(SanwuCommand):
    help = "载入示例城市（安庆市真实市县代码 + 生成的乡镇、村、村民小组、人员和各角色账号）；--only 只载入某一部分"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(generator.SCALES), default="county")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做")
        parser.add_argument("--no-books", action="store_true", help="不生成各村账套和凭证（2018年至上月）")
        parser.add_argument(
            "--only", choices=list(parts.KEYS),
            help="只为已载入的示例城市载入这一部分：" + "、".join(f"{p.key} {p.label}" for p in parts.PARTS),
        )

    def handle(self, *args, **opts):
        if opts["only"]:
            if opts["if_empty"] or opts["no_books"]:
                raise CommandError("--only 不能与 --if-empty、--no-books 同时使用")
            with cli_actor():
                self.stdout.write(parts.load_part(opts["only"], seed=opts["seed"], scale=opts["scale"]))
            return
        if Region.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("数据库已有数据，跳过示例数据。")
                return
            raise CommandError("数据库已有数据；示例数据只能载入空数据库（可加 --if-empty 跳过）")
        started = time.perf_counter()

        def progress(county, books, vouchers):
            self.stdout.write(f"  {county}：{books} 个账套，{vouchers} 张凭证")

        with cli_actor():
            result = generator.load(opts["scale"], opts["seed"], books=not opts["no_books"], progress=progress)
            if not opts["no_books"]:
                parts.load_parts(opts["scale"], opts["seed"], report=self.stdout.write)
        self.stdout.write(f"已载入示例城市（规模 {opts['scale']}，种子 {opts['seed']}）：{result.regions} 个区划，{result.people} 名人员。")
        if result.books:
            self.stdout.write(
                f"账套 {result.books} 个（2018年1月至{result.through[0]}年{result.through[1]}月，"
                f"多数已结账至{result.closed_through[0]}年{result.closed_through[1]}月），凭证 {result.vouchers} 张；"
                f"账套用时 {result.book_seconds:.1f} 秒，共 {time.perf_counter() - started:.1f} 秒。"
            )
        if result.moved:
            self.stdout.write(f"新旧制度衔接示例：账套 {result.moved[0]}（2004年制度）已换用2023年制度，由账套 {result.moved[1]} 接续。")
        self.stdout.write(f"演示账号（密码均为 {settings.SANWU_DEMO_PASSWORD}）：")
        for username, role, code, name in result.users:
            self.stdout.write(f"  {username:<15} {role:<20} {code}  {name}")
