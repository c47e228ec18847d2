"""`sanwu import vouchers FILE --book CODE [--post] [--as USER]`: the verb-first spelling of
`sanwu book import CODE FILE` (scripts call it); the same options and the same run."""

from sanwu.core.cli_support import SanwuCommand

from .book import IMPORT_HELP, add_import_options, run_import


class Command(SanwuCommand):
    help = "导入：vouchers FILE --book CODE [--post] —— 从 CSV/XLSX 导入记账凭证，全部成功或一条都不导入（即 sanwu book import）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        v = sub.add_parser("vouchers", help=IMPORT_HELP)
        v.add_argument("file", help="CSV（UTF-8 或 GBK）或 XLSX 文件")
        v.add_argument("--book", dest="code", required=True, help="账套编码")
        add_import_options(v)

    def handle(self, *args, what, **opts):
        run_import(self, opts)
