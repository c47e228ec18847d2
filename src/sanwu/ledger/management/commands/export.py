"""`sanwu export beancount --book CODE [--output FILE] [--as USER]`: the verb-first spelling of
`sanwu book export CODE` (scripts call it); the same options and the same run."""

from sanwu.core.cli_support import SanwuCommand

from .book import EXPORT_HELP, add_export_options, run_export


class Command(SanwuCommand):
    help = "导出：beancount --book CODE [--output FILE] —— 账套导出为 Beancount 文本（bean-check 可校验；即 sanwu book export）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        bc = sub.add_parser("beancount", help=EXPORT_HELP)
        bc.add_argument("--book", dest="code", required=True, help="账套编码")
        add_export_options(bc)

    def handle(self, *args, what, **opts):
        run_export(self, opts)
