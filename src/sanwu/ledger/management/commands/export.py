from django.core.management.base import BaseCommand

from sanwu.core.cli_support import cli_actor
from sanwu.ledger.services import beancount

from .book import find_book


class Command(BaseCommand):
    help = "导出：beancount --book CODE [--output FILE] —— 账套导出为 Beancount 文本（bean-check 可校验）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        bc = sub.add_parser("beancount", help="导出为 Beancount 文本")
        bc.add_argument("--book", required=True, help="账套编码")
        bc.add_argument("--output", help="写入文件（UTF-8），否则输出到标准输出")
        bc.add_argument("--as", dest="as_user", help="以该用户身份导出（按其管辖范围检查）")

    def handle(self, *args, what, **opts):
        with cli_actor(opts["as_user"]) as actor:
            book = find_book(opts["book"], actor.user)
            if opts["output"]:
                with open(opts["output"], "w", encoding="utf-8") as fh:
                    n = beancount.write_book(book, fh)
                self.stderr.write(f"已导出账套 {book.code}：{n} 张凭证 → {opts['output']}", style_func=str)
            else:
                beancount.write_book(book, self.stdout)
