import sys

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor
from sanwu.economy import brief as brief_mod
from sanwu.economy.cli import region_or_error


class Command(BaseCommand):
    help = "集体经济统计简报：brief --region CODE --year Y [--base-year B] [--format text|html|pdf] [--output FILE]"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码（市、县、乡镇或村）")
        parser.add_argument("--year", type=int, required=True, help="统计年度")
        parser.add_argument("--base-year", type=int, help="比较基准年（默认上一年）")
        parser.add_argument("--format", choices=["text", "html", "pdf"], default="text", help="text：文本；html：可用 Word 打开的 .doc；pdf")
        parser.add_argument("--output", help="写入文件（pdf 须给出或重定向），否则输出到标准输出")
        parser.add_argument("--as", dest="as_user", help="以该用户身份生成（按其管辖范围）")

    def handle(self, *args, **opts):
        with cli_actor(opts["as_user"]) as actor:
            region = region_or_error(actor.user, opts["region"])
            b = brief_mod.build(actor.user, region, opts["year"], opts["base_year"])
            fmt = opts["format"]
            if fmt == "pdf":
                data = brief_mod.to_pdf(b)
            elif fmt == "html":
                data = brief_mod.to_doc_html(b).encode("utf-8")
            else:
                data = brief_mod.to_text(b).encode("utf-8")
        if opts["output"]:
            with open(opts["output"], "wb") as fh:
                fh.write(data)
            return
        if fmt == "pdf":
            if sys.stdout.isatty():
                raise CommandError("pdf 是二进制格式，请用 --output 文件名 保存，或重定向到文件")
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        self.stdout.write(data.decode("utf-8"), ending="")
