"""`sanwu user add|token`: users, their roles and API tokens. `sanwu token USERNAME` is the
same as `sanwu user token USERNAME`."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from sanwu.core.cli_support import cli_actor, SanwuCommand
from sanwu.core.scope import ROLES
from sanwu.regions import services


class Command(SanwuCommand):
    help = "用户：add USERNAME --role ROLE --region CODE [--password P]；token USERNAME（签发 API 令牌）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新建用户或为已有用户增加角色")
        add.add_argument("username")
        add.add_argument("--role", action="append", required=True, choices=list(ROLES), help="可重复，与 --region 一一对应")
        add.add_argument("--region", action="append", required=True, help="角色所在区划代码，可重复")
        add.add_argument("--password", help="不给时自动生成并打印")
        add.add_argument("--name", default="", help="显示姓名")
        token = sub.add_parser("token", help="为用户签发一个 API 令牌并打印（只显示这一次；同 sanwu token USERNAME）")
        token.add_argument("username")

    def handle(self, *args, action, **opts):
        if action == "token":
            self.issue_token(opts["username"])
        else:
            self.add_user(opts)

    def add_user(self, opts) -> None:
        roles, regions = opts["role"], opts["region"]
        if len(regions) == 1 and len(roles) > 1:
            regions = regions * len(roles)
        if len(roles) != len(regions):
            raise CommandError("--role 与 --region 的个数须相同")
        with cli_actor():
            user, password = services.add_user(opts["username"], list(zip(roles, regions)), opts["password"], opts["name"])
        self.stdout.write(f"用户 {user.username}：" + "、".join(f"{ROLES[r]}@{c}" for r, c in zip(roles, regions)))
        if password and not opts["password"]:
            self.stdout.write(f"密码：{password}")

    def issue_token(self, username: str) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在或已停用")
        with cli_actor():
            self.stdout.write(services.issue_token(user))
