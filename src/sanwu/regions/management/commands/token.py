"""`sanwu token USERNAME`: the alias of `sanwu user token USERNAME` (scripts call this spelling)."""

from django.core.management import call_command

from sanwu.core.cli_support import SanwuCommand


class Command(SanwuCommand):
    help = "为用户签发一个 API 令牌并打印（只显示这一次）；同 sanwu user token USERNAME"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **opts):
        call_command("user", "token", username, stdout=self.stdout, stderr=self.stderr)
