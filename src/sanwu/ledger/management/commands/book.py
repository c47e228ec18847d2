import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.ledger import services
from sanwu.ledger.charts import CHART_VERSIONS, SOURCES
from sanwu.ledger.models import Book


def find_book(code: str, user) -> Book:
    """The book `code` as the acting user may see it (the system operator sees every book).

    Outside the user's scope it does not exist for them: the refusal goes to the audit trail."""
    if user is None:
        book = Book.objects.filter(code=code).first()
    else:
        book = Book.objects.visible_to(user).filter(code=code).first()
        if book is None:
            hidden = Book.objects.filter(code=code).first()
            if hidden is not None:
                from sanwu.core.permissions import refuse

                refuse(user, "ledger.book", hidden.code, hidden.region_id)
    if book is None:
        raise CommandError(f"账套「{code}」不存在或不在您的管辖范围内")
    return book


def parse_date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{what}「{text}」无效（应为 YYYY-MM-DD）") from None


class Command(BaseCommand):
    help = "账套：add（新建）、opening（期初余额）、sub-account（增设明细科目）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新建账套并装入会计制度的科目表")
        add.add_argument("code", help="账套编码（示例数据用村的12位区划代码）")
        add.add_argument("--region", required=True, help="所属村的区划代码")
        add.add_argument("--chart", required=True, choices=list(CHART_VERSIONS), help="会计制度：2023 或 2004")
        add.add_argument("--name", default="", help="集体经济组织名称（默认：村名+股份经济合作社）")
        add.add_argument("--credit-code", default="", help="统一社会信用代码（可选，给出时校验）")
        add.add_argument("--start", help="启用日期 YYYY-MM-DD（默认：今年1月1日）")
        add.add_argument("--as", dest="as_user", help="以该用户身份操作（按其管辖范围检查）")

        op = sub.add_parser("opening", help="录入（--set 科目=金额）并确认（--confirm）期初余额")
        op.add_argument("code", help="账套编码")
        op.add_argument("--set", dest="balances", nargs="+", default=[], metavar="科目=元",
                        help="期初余额，借方为正、贷方为负，如 101=1200.00 301=-1200.00；替换全部已录入的期初余额")
        op.add_argument("--confirm", action="store_true", help="检查借贷平衡并确认（确认后才能记账）")
        op.add_argument("--as", dest="as_user", help="以该用户身份操作")

        acc = sub.add_parser("sub-account", help="在标准科目下增设明细科目")
        acc.add_argument("code", help="账套编码")
        acc.add_argument("--parent", required=True, help="上级科目编码，如 501")
        acc.add_argument("--account", required=True, help="明细科目编码：上级编码加两位，如 50101")
        acc.add_argument("--name", required=True, help="科目名称")
        acc.add_argument("--source", default="", choices=["", *SOURCES], help="默认收入来源")
        acc.add_argument("--as", dest="as_user", help="以该用户身份操作")

    def handle(self, *args, action, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            user = actor.user
            if action == "add":
                book = services.create_book(
                    user, opts["code"], opts["region"], opts["chart"], name=opts["name"],
                    credit_code=opts["credit_code"], start_date=parse_date(opts["start"], "启用日期"),
                )
                self.stdout.write(
                    f"已建立账套 {book.code}：{book.name}，{book.region.name}（{book.region_id}），"
                    f"{book.chart} 年会计制度，启用日期 {book.start_date}；期初余额尚未确认"
                    f"（sanwu book opening {book.code} --confirm）"
                )
            elif action == "opening":
                book = find_book(opts["code"], user)
                if not opts["balances"] and not opts["confirm"]:
                    raise CommandError("请给出 --set 科目=金额 或 --confirm")
                if opts["balances"]:
                    balances, problems = {}, []
                    for item in opts["balances"]:
                        code, sep, value = item.partition("=")
                        if not sep or not code.strip():
                            problems.append(Problem(f"「{item}」应写成 科目=金额", field="set"))
                            continue
                        try:
                            balances[code.strip()] = parse_yuan(value)
                        except MoneyError as exc:
                            problems.append(Problem(f"科目 {code.strip()}：{exc}", field="set"))
                    if problems:
                        raise Invalid(problems)
                    services.set_opening_balances(user, book, balances)
                    total = sum(v for v in balances.values() if v > 0)
                    self.stdout.write(f"账套 {book.code}：已录入 {len([v for v in balances.values() if v])} 个科目的期初余额（借方合计 {format_yuan(total)} 元）")
                if opts["confirm"]:
                    services.confirm_opening(user, book)
                    self.stdout.write(f"账套 {book.code}：期初余额已确认，可以记账")
            else:
                book = find_book(opts["code"], user)
                account = services.add_sub_account(user, book, opts["parent"], opts["account"], opts["name"], opts["source"])
                self.stdout.write(f"账套 {book.code}：已增设明细科目 {account.code} {account.name}")
