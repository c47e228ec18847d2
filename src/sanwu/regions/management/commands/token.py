from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor
from sanwu.regions import services


class Command(BaseCommand):
    help = "为用户签发一个 API 令牌并打印（只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **opts):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在或已停用")
        with cli_actor():
            self.stdout.write(services.issue_token(user))
