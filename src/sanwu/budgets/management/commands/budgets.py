from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_list_arguments, add_table_arguments, cli_actor, date_option, emit, SanwuCommand, within
from sanwu.core.errors import NotFound
from sanwu.core.money import MoneyError, parse_yuan
from sanwu.core.permissions import get_visible, visible
from sanwu.decisions.models import Matter
from sanwu.demo.parts import load_part
from sanwu.ledger.models import Account, Book

from sanwu.budgets import rules, services
from sanwu.budgets.models import Budget
from sanwu.budgets.tables import budgets_table, comparison_table, lines_table, months_table


def _fen(text: str) -> int:
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        raise CommandError(f"金额「{text}」无效：{exc}") from None


class Command(SanwuCommand):
    help = (
        "年度财务预算：list（列出预算）、show（预算执行：预算与实际）、create（编制草稿）、line（填写预算行）、"
        "approve（记录成员（代表）大会批准）、revise（调整：新版本）、setting（县级：超预算支出提示或不予记账）、demo（载入示例预算）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="列出年度财务预算")
        add_list_arguments(lst, statuses=rules.STATUS_LABELS, within="只列出该区划（代码）内的预算")
        lst.add_argument("--year", type=int)

        show = sub.add_parser("show", help="一份预算的执行情况（预算与账簿实际数）")
        show.add_argument("budget", nargs="?", type=int, help="预算编号；或用 --book 与 --year 指定现行预算")
        show.add_argument("--book", help="账套编码")
        show.add_argument("--year", type=int)
        show.add_argument("--month", type=int, help="截至月份（默认12）")
        show.add_argument("--table", choices=["comparison", "months", "lines"], default="comparison", help="comparison 预算执行、months 分月、lines 预算表")
        add_table_arguments(show)
        add_as_argument(show)

        create = sub.add_parser("create", help="为账套的年度编制预算草稿（村会计）")
        create.add_argument("--book", required=True)
        create.add_argument("--year", type=int, required=True)
        create.add_argument("--note", default="")
        add_as_argument(create)

        line = sub.add_parser("line", help="填写或修改预算草稿的一个科目（村会计）")
        line.add_argument("budget", type=int)
        line.add_argument("--account", required=True, help="科目编码（本账套的收入、支出类科目）")
        line.add_argument("--amount", help="年度预算（元）")
        line.add_argument("--months", help="12个月的预算（元），逗号分开；不给出时平均分配")
        line.add_argument("--note", default="")
        line.add_argument("--remove", action="store_true", help="从预算中删除该科目")
        add_as_argument(line)

        approve = sub.add_parser("approve", help="记录成员（代表）大会批准预算（村党组织书记）；批准后冻结")
        approve.add_argument("budget", type=int)
        approve.add_argument("--date", help="批准（会议）日期 YYYY-MM-DD；关联事项时默认为决议公开日期")
        approve.add_argument("--meeting", choices=list(rules.MEETING_TYPES), help="、".join(f"{k} {v}" for k, v in rules.MEETING_TYPES.items()))
        approve.add_argument("--entitled", type=int, help="应到人数")
        approve.add_argument("--present", type=int, help="实到人数")
        approve.add_argument("--for", dest="votes_for", type=int, help="同意票")
        approve.add_argument("--against", type=int, default=0)
        approve.add_argument("--abstain", type=int, default=0)
        approve.add_argument("--matter", type=int, help="或：已公开决议的四议两公开事项编号")
        add_as_argument(approve)

        revise = sub.add_parser("revise", help="调整已批准的预算：编制新版本草稿（村会计）")
        revise.add_argument("budget", type=int)
        revise.add_argument("--reason", required=True)
        add_as_argument(revise)

        setting = sub.add_parser("setting", help="县级设置：超预算支出 flag（提示预警，默认）或 refuse（不予记账）")
        setting.add_argument("--county", required=True)
        setting.add_argument("--over-budget", required=True, choices=list(rules.MODES), help="、".join(f"{k} {v}" for k, v in rules.MODES.items()))
        add_as_argument(setting)

        demo = sub.add_parser("demo", help="为示例城市载入今年的年度预算（同 sanwu demo --only budgets）")
        demo.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, action, **opts):
        if action == "demo":
            with cli_actor():
                self.stdout.write(load_part("budgets", seed=opts["seed"]))
            return
        with cli_actor(opts.get("as_user")) as actor:
            getattr(self, f"_{action}")(actor.user, opts)

    def _budget(self, user, pk: int) -> Budget:
        return get_visible(Budget, user, pk=pk)

    def _book(self, user, code: str) -> Book:
        return get_visible(Book, user, code=code)

    def _list(self, user, opts):
        qs = within(visible(Budget, user), opts["within"], "book__region__code").select_related("book__region")
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        if opts["year"]:
            qs = qs.filter(year=opts["year"])
        budgets = list(qs.order_by("book__code", "-year", "-version"))
        for b in budgets:
            totals = services.budget_vs_actual(b)["totals"]
            b.income, b.expense = totals["income"]["amount"], totals["expense"]["amount"]
        emit(budgets_table(budgets), opts["format"], opts["output"], self.stdout)

    def _show(self, user, opts):
        if opts["budget"]:
            b = self._budget(user, opts["budget"])
        elif opts["book"] and opts["year"]:
            book = self._book(user, opts["book"])
            b = services.current_budget(book, opts["year"])
            if b is None or not visible(Budget, user).filter(pk=b.pk).exists():
                raise NotFound(f"{book.name}{opts['year']}年度没有已批准的预算")
        else:
            raise CommandError("请给出预算编号，或 --book 与 --year")
        month = opts["month"] or 12
        if not 1 <= month <= 12:
            raise CommandError("月份应在1到12之间")
        data = services.budget_vs_actual(b)
        table = {"months": months_table, "lines": lines_table}.get(opts["table"])
        emit(table(data) if table else comparison_table(data, month), opts["format"], opts["output"], self.stdout)

    def _create(self, user, opts):
        b = services.create_budget(user, self._book(user, opts["book"]), opts["year"], opts["note"])
        self.stdout.write(f"已建立预算草稿：编号 {b.pk}，{b.book.name}{b.year}年度（第{b.version}版）")

    def _line(self, user, opts):
        b = self._budget(user, opts["budget"])
        account = Account.objects.filter(book=b.book, code=opts["account"]).first()
        if account is None:
            raise CommandError(f"科目「{opts['account']}」在本账套中不存在")
        if opts["remove"]:
            services.remove_line(user, b, account)
            self.stdout.write(f"已删除预算行：{account.code} {account.name}")
            return
        if not opts["amount"]:
            raise CommandError("请给出 --amount（元）")
        months = [_fen(x.strip()) for x in opts["months"].split(",")] if opts["months"] else None
        line = services.set_line(user, b, account, _fen(opts["amount"]), months, opts["note"])
        self.stdout.write(f"已保存预算行：{account.code} {account.name} {line.amount / 100:.2f}元")

    def _approve(self, user, opts):
        b = self._budget(user, opts["budget"])
        matter = get_visible(Matter, user, pk=opts["matter"]) if opts["matter"] else None
        meeting = None
        if matter is None:
            meeting = rules.Meeting(opts["meeting"] or "", opts["entitled"], opts["present"], opts["votes_for"], opts["against"], opts["abstain"])
        b = services.approve(user, b, approved_on=date_option(opts["date"], "批准日期"), meeting=meeting, matter=matter)
        self.stdout.write(f"已批准：{b.book.name}{b.year}年度预算第{b.version}版（{b.approved_on:%Y-%m-%d}），内容哈希 {b.content_hash[:16]}")

    def _revise(self, user, opts):
        new = services.revise(user, self._budget(user, opts["budget"]), opts["reason"])
        self.stdout.write(f"已建立调整草稿：编号 {new.pk}（第{new.version}版）；批准前原版本继续有效")

    def _setting(self, user, opts):
        services.set_over_budget(user, opts["county"], opts["over_budget"])
        self.stdout.write(f"已设置：超预算支出{rules.MODES[opts['over_budget']]}")
