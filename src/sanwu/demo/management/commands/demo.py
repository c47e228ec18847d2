import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor
from sanwu.demo import generator
from sanwu.regions.models import Region


class Command(BaseCommand):
    help = "载入示例城市（安庆市真实市县代码 + 生成的乡镇、村、村民小组、人员和各角色账号）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(generator.SCALES), default="county")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做")
        parser.add_argument("--no-books", action="store_true", help="不生成各村账套和2018–2020年凭证")

    def handle(self, *args, **opts):
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
                from sanwu.demo.extras import load_extras

                load_extras(opts["scale"], opts["seed"], report=self.stdout.write)
        self.stdout.write(f"已载入示例城市（规模 {opts['scale']}，种子 {opts['seed']}）：{result.regions} 个区划，{result.people} 名人员。")
        if result.books:
            self.stdout.write(
                f"账套 {result.books} 个（2018–2020年，已结账），凭证 {result.vouchers} 张；"
                f"账套用时 {result.book_seconds:.1f} 秒，共 {time.perf_counter() - started:.1f} 秒。"
            )
        self.stdout.write(f"演示账号（密码均为 {settings.SANWU_DEMO_PASSWORD}）：")
        for username, role, code, name in result.users:
            self.stdout.write(f"  {username:<15} {role:<20} {code}  {name}")
