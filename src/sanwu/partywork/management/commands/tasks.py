import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor, emit
from sanwu.core.pdf import render_pdf
from sanwu.partywork import importer, services
from sanwu.partywork.models import Task
from sanwu.partywork.report_views import _agenda_table, rollup_table
from sanwu.partywork.views import task_table

FORMATS = ["csv", "json", "xlsx"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期「{text}」无效（YYYY-MM-DD）") from None


class Command(BaseCommand):
    help = "重点工作台账：list / import / assign / report / return / verify / close / extend / reassign / quarterly / rollup（--as 用户名：以该用户身份，受管辖范围限制）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        def common(p, fmt=True):
            p.add_argument("--as", dest="as_user", help="以该用户身份执行（默认系统操作员）")
            if fmt:
                p.add_argument("--format", choices=FORMATS, default="csv")
                p.add_argument("--output")

        lst = sub.add_parser("list", help="列出任务（全部列，与导入表头相同）")
        lst.add_argument("--view", choices=list(services.VIEWS), default="all")
        lst.add_argument("--year", type=int)
        lst.add_argument("--month", type=int)
        lst.add_argument("--status", choices=list(services.STATUS_LABELS))
        lst.add_argument("--origin")
        common(lst)

        imp = sub.add_parser("import", help="从 CSV/XLSX 导入任务清单，全部成功或全部不导入")
        imp.add_argument("file")
        common(imp, fmt=False)

        asg = sub.add_parser("assign", help="交办一项任务")
        asg.add_argument("--title", required=True)
        asg.add_argument("--region", required=True, help="责任区划代码")
        asg.add_argument("--deadline", required=True, help="完成时限 YYYY-MM-DD")
        asg.add_argument("--source", required=True, choices=list(services.SOURCE_LABELS))
        asg.add_argument("--ref", default="", help="来源文号或会议")
        asg.add_argument("--description", default="")
        asg.add_argument("--org", type=int, action="append", default=[], help="责任党组织编号，可重复")
        asg.add_argument("--owner", action="append", default=[], help="责任人账号，可重复")
        asg.add_argument("--origin", default="")
        common(asg, fmt=False)

        for verb, help_text in (("report", "汇报完成情况"), ("return", "退回（须写原因）"), ("verify", "核验（默认同时销号）"), ("close", "销号")):
            p = sub.add_parser(verb, help=help_text)
            p.add_argument("id", type=int)
            if verb == "report":
                p.add_argument("--text", required=True)
                p.add_argument("--file", action="append", default=[], help="佐证材料（JPEG、PNG、PDF），可重复")
            elif verb == "return":
                p.add_argument("--reason", required=True)
            else:
                p.add_argument("--note", default="")
            if verb == "verify":
                p.add_argument("--keep-open", action="store_true", help="只核验，不销号")
            common(p, fmt=False)

        ext = sub.add_parser("extend", help="延期（交办单位；新时限须晚于原时限，须写原因）")
        ext.add_argument("id", type=int)
        ext.add_argument("--deadline", required=True, help="新的完成时限 YYYY-MM-DD")
        ext.add_argument("--reason", required=True)
        common(ext, fmt=False)

        rea = sub.add_parser("reassign", help="调整责任单位（交办单位；须写原因）")
        rea.add_argument("id", type=int)
        rea.add_argument("--org", type=int, action="append", default=[], help="新的责任党组织编号，可重复")
        rea.add_argument("--owner", action="append", default=[], help="新的责任人账号，可重复")
        rea.add_argument("--reason", required=True)
        common(rea, fmt=False)

        q = sub.add_parser("quarterly", help="季例会清单（在办、逾期）")
        q.add_argument("--year", type=int, default=services.today().year)
        q.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], default=(services.today().month - 1) // 3 + 1)
        q.add_argument("--as", dest="as_user")
        q.add_argument("--format", choices=[*FORMATS, "pdf"], default="csv")
        q.add_argument("--output")

        r = sub.add_parser("rollup", help="按责任单位汇总（半年小结、年度汇总）")
        r.add_argument("--year", type=int, default=services.today().year)
        r.add_argument("--half", type=int, choices=[1, 2], help="只汇总上半年（1）或下半年（2）")
        common(r)

    def handle(self, *args, action, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            user = actor.user
            getattr(self, f"do_{action}")(user, opts)

    def _task(self, user, pk: int) -> Task:
        task = services.visible(Task, user).filter(pk=pk).first()
        if task is None:
            raise CommandError(f"任务 {pk} 不存在或不在管辖范围内")
        return task

    def do_list(self, user, opts):
        qs = services.tasks_for(user, opts["view"], year=opts["year"], month=opts["month"])
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        if opts["origin"]:
            qs = qs.filter(origin=opts["origin"])
        qs = qs.select_related("region", "assigner_region", "assigner").order_by("deadline", "id")
        emit(task_table(qs), opts["format"], opts["output"], self.stdout)

    def do_import(self, user, opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件「{path}」不存在")
        tasks = importer.import_tasks(user, path.read_bytes(), path.name)
        self.stdout.write(f"导入完成：交办任务 {len(tasks)} 项（编号 {tasks[0].pk}–{tasks[-1].pk}）")

    def _user_ids(self, names: list[str]) -> list[int]:
        from django.contrib.auth import get_user_model

        ids = []
        for name in names:
            u = get_user_model().objects.filter(username=name).first()
            if u is None:
                raise CommandError(f"用户「{name}」不存在")
            ids.append(u.pk)
        return ids

    def do_assign(self, user, opts):
        users = self._user_ids(opts["owner"])
        t = services.assign_task(
            user, title=opts["title"], region_code=opts["region"], deadline=_date(opts["deadline"]), source_kind=opts["source"],
            source_ref=opts["ref"], description=opts["description"], owner_org_ids=opts["org"], owner_user_ids=users, origin=opts["origin"],
        )
        self.stdout.write(f"{t.pk}")

    def do_report(self, user, opts):
        files = []
        for name in opts["file"]:
            p = Path(name)
            if not p.is_file():
                raise CommandError(f"文件「{p}」不存在")
            files.append((p.name, p.read_bytes()))
        t = services.report(user, self._task(user, opts["id"]), opts["text"], files)
        self.stdout.write(f"{t.pk} {t.get_status_display()}")

    def do_return(self, user, opts):
        t = services.return_task(user, self._task(user, opts["id"]), opts["reason"])
        self.stdout.write(f"{t.pk} {t.get_status_display()}")

    def do_verify(self, user, opts):
        t = services.verify(user, self._task(user, opts["id"]), opts["note"], close=not opts["keep_open"])
        self.stdout.write(f"{t.pk} {t.get_status_display()}")

    def do_close(self, user, opts):
        t = services.close(user, self._task(user, opts["id"]), opts["note"])
        self.stdout.write(f"{t.pk} {t.get_status_display()}")

    def do_extend(self, user, opts):
        t = services.extend_deadline(user, self._task(user, opts["id"]), _date(opts["deadline"]), opts["reason"])
        self.stdout.write(f"{t.pk} {t.deadline:%Y-%m-%d}")

    def do_reassign(self, user, opts):
        t = services.reassign(user, self._task(user, opts["id"]), opts["org"], self._user_ids(opts["owner"]), opts["reason"])
        self.stdout.write(f"{t.pk} {services.owner_labels(t, services.owners_of([t]))}")

    def do_quarterly(self, user, opts):
        agenda = services.quarterly_agenda(user, opts["year"], opts["quarter"])
        if opts["format"] == "pdf":
            if not opts["output"]:
                raise CommandError("PDF 请用 --output 文件名 保存")
            from django.utils import timezone

            title = f"{opts['year']}年第{opts['quarter']}季度党建工作例会"
            Path(opts["output"]).write_bytes(render_pdf("partywork/pdf/quarterly.html", {"agenda": agenda, "title": title, "printed": timezone.localtime()}))
            return
        emit(_agenda_table(agenda), opts["format"], opts["output"], self.stdout)

    def do_rollup(self, user, opts):
        year = opts["year"]
        if opts["half"]:
            start, end = services.half_bounds(year, opts["half"])
            title = f"半年小结（{year}年{'上' if opts['half'] == 1 else '下'}半年）"
        else:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            title = f"年度汇总（{year}年）"
        emit(rollup_table(title, services.rollup(user, start, end)), opts["format"], opts["output"], self.stdout)
