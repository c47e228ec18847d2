"""`sanwu brief …`: the alias of `sanwu economy brief …` (the spelling the README and scripts use).
One implementation: `economy.add_brief_arguments` / `run_brief`."""

from sanwu.core.cli_support import SanwuCommand

from .economy import BRIEF_HELP, add_brief_arguments, run_brief


class Command(SanwuCommand):
    help = BRIEF_HELP

    def add_arguments(self, parser):
        add_brief_arguments(parser)

    def handle(self, *args, **opts):
        run_brief(opts, self.stdout)
