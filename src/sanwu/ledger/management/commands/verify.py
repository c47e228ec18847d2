"""`sanwu verify [--book CODE] [--as USER]`: the verb-first spelling of `sanwu book verify
[CODE]` (scripts call it); the same options and the same run."""

from sanwu.core.cli_support import SanwuCommand

from .book import VERIFY_HELP, add_verify_options, run_verify


class Command(SanwuCommand):
    help = f"校验账套：{VERIFY_HELP}（即 sanwu book verify）"

    def add_arguments(self, parser):
        parser.add_argument("--book", dest="code", help="只校验这个账套（默认全部账套）")
        add_verify_options(parser)

    def handle(self, *args, **opts):
        run_verify(self, opts)
