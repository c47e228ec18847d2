"""`sanwu tasks <verb>`: the alias of `sanwu partywork tasks <verb>` (the spelling the README and
scripts use). One implementation: the verbs are `partywork.add_task_arguments` / `run_task`."""

from sanwu.core.cli_support import SanwuCommand

from .partywork import TASKS_HELP, add_task_arguments, run_task


class Command(SanwuCommand):
    help = TASKS_HELP

    def add_arguments(self, parser):
        add_task_arguments(parser)

    def handle(self, *args, **opts):
        run_task(opts, self.stdout)
