"""`sanwu partywork <verb>`: Party organisations, talks, the counts the brief prints, the demo, and
the key-work task ledger as `sanwu partywork tasks <verb>`. `sanwu tasks <verb>` (the alias module
`tasks.py`) runs the same task verbs through `add_task_arguments` and `run_task` below.

The command parses, calls the services and prints; tables go through `core.cli_support.emit`
(`--format csv|json|xlsx`, `--output`). `--as USER` acts as that user, within their scope;
without it the system operator acts."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from sanwu.core import permissions
from sanwu.core.cli_support import (
    SanwuCommand,
    FORMATS, add_as_argument, add_list_arguments, add_status_argument, add_table_arguments, cli_actor, date_option, emit,
    existing_file, within,
)
from sanwu.core.errors import NotFound
from sanwu.core.pdf import render_pdf
from sanwu.partywork import demo, imports, services, tables
from sanwu.partywork.models import PartyOrg, Task

TASKS_HELP = "重点工作台账：list / import / assign / report / return / verify / close / extend / reassign / quarterly / rollup（--as 用户名：以该用户身份，受管辖范围限制）"


# --- The task ledger: `sanwu partywork tasks <verb>` = `sanwu tasks <verb>` ------------------------


def add_task_arguments(parser) -> None:
    """The task verbs as subparsers of `parser` (dest `task_action`)."""
    sub = parser.add_subparsers(dest="task_action", required=True)

    def common(p, fmt=True):
        add_as_argument(p)
        if fmt:
            add_table_arguments(p)

    lst = sub.add_parser("list", help="列出任务（全部列，与导入表头相同）")
    lst.add_argument("--view", choices=list(services.VIEWS), default="all")
    lst.add_argument("--year", type=int)
    lst.add_argument("--month", type=int)
    add_status_argument(lst, services.STATUS_LABELS)
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
    add_as_argument(q)
    q.add_argument("--format", choices=[*FORMATS, "pdf"], default=None, help="csv、json、xlsx 或 pdf（pdf 须给出 --output）")
    q.add_argument("--output")

    r = sub.add_parser("rollup", help="按责任单位汇总（半年小结、年度汇总）")
    r.add_argument("--year", type=int, default=services.today().year)
    r.add_argument("--half", type=int, choices=[1, 2], help="只汇总上半年（1）或下半年（2）")
    common(r)


def run_task(opts: dict, stdout) -> None:
    """Run the task verb `opts["task_action"]` as `--as` (or the system operator)."""
    with cli_actor(opts.get("as_user")) as actor:
        TASK_VERBS[opts["task_action"]](actor.user, opts, stdout)


def _task(user, pk: int) -> Task:
    try:
        return permissions.get_visible(Task, user, pk=pk)
    except NotFound:
        raise NotFound(f"任务 {pk} 不存在或不在管辖范围内") from None


def _user_ids(names: list[str]) -> list[int]:
    ids = []
    for name in names:
        u = get_user_model().objects.filter(username=name).first()
        if u is None:
            raise CommandError(f"用户「{name}」不存在")
        ids.append(u.pk)
    return ids


def task_list(user, opts, stdout):
    qs = services.tasks_for(user, opts["view"], year=opts["year"], month=opts["month"])
    if opts["status"]:
        qs = qs.filter(status=opts["status"])
    if opts["origin"]:
        qs = qs.filter(origin=opts["origin"])
    qs = qs.select_related("region", "assigner_region", "assigner").order_by("deadline", "id")
    emit(tables.task_table(qs), opts["format"], opts["output"], stdout)


def task_import(user, opts, stdout):
    path = existing_file(opts["file"])
    tasks = imports.import_tasks(user, path.read_bytes(), path.name)
    stdout.write(f"导入完成：交办任务 {len(tasks)} 项（编号 {tasks[0].pk}–{tasks[-1].pk}）")


def task_assign(user, opts, stdout):
    users = _user_ids(opts["owner"])
    t = services.assign_task(
        user, title=opts["title"], region_code=opts["region"], deadline=date_option(opts["deadline"], "完成时限"), source_kind=opts["source"],
        source_ref=opts["ref"], description=opts["description"], owner_org_ids=opts["org"], owner_user_ids=users, origin=opts["origin"],
    )
    stdout.write(f"{t.pk}")


def task_report(user, opts, stdout):
    files = []
    for name in opts["file"]:
        p = existing_file(name)
        files.append((p.name, p.read_bytes()))
    t = services.report(user, _task(user, opts["id"]), opts["text"], files)
    stdout.write(f"{t.pk} {t.get_status_display()}")


def task_return(user, opts, stdout):
    t = services.return_task(user, _task(user, opts["id"]), opts["reason"])
    stdout.write(f"{t.pk} {t.get_status_display()}")


def task_verify(user, opts, stdout):
    t = services.verify(user, _task(user, opts["id"]), opts["note"], close=not opts["keep_open"])
    stdout.write(f"{t.pk} {t.get_status_display()}")


def task_close(user, opts, stdout):
    t = services.close(user, _task(user, opts["id"]), opts["note"])
    stdout.write(f"{t.pk} {t.get_status_display()}")


def task_extend(user, opts, stdout):
    t = services.extend_deadline(user, _task(user, opts["id"]), date_option(opts["deadline"], "完成时限"), opts["reason"])
    stdout.write(f"{t.pk} {t.deadline:%Y-%m-%d}")


def task_reassign(user, opts, stdout):
    t = services.reassign(user, _task(user, opts["id"]), opts["org"], _user_ids(opts["owner"]), opts["reason"])
    stdout.write(f"{t.pk} {services.owner_labels(t, services.owners_of([t]))}")


def task_quarterly(user, opts, stdout):
    agenda = services.quarterly_agenda(user, opts["year"], opts["quarter"])
    if opts["format"] == "pdf":
        if not opts["output"]:
            raise CommandError("PDF 请用 --output 文件名 保存")
        title = f"{opts['year']}年第{opts['quarter']}季度党建工作例会"
        Path(opts["output"]).write_bytes(render_pdf("partywork/pdf/quarterly.html", {"agenda": agenda, "title": title, "printed": timezone.localtime()}))
        return
    emit(tables.agenda_table(agenda), opts["format"], opts["output"], stdout)


def task_rollup(user, opts, stdout):
    year = opts["year"]
    if opts["half"]:
        start, end = services.half_bounds(year, opts["half"])
        title = f"半年小结（{year}年{'上' if opts['half'] == 1 else '下'}半年）"
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        title = f"年度汇总（{year}年）"
    emit(tables.rollup_table(title, services.rollup(user, start, end)), opts["format"], opts["output"], stdout)


TASK_VERBS = {
    "list": task_list, "import": task_import, "assign": task_assign, "report": task_report, "return": task_return,
    "verify": task_verify, "close": task_close, "extend": task_extend, "reassign": task_reassign,
    "quarterly": task_quarterly, "rollup": task_rollup,
}


# --- The area command ------------------------------------------------------------------------------


class Command(SanwuCommand):
    help = (
        "党组织与党建统计：orgs（列出党组织）/ import-orgs FILE（导入名册）/ import-talks FILE（导入谈话记录，仅组织部门）/ "
        "counts（按类型统计党组织）/ talk-counts（谈话人次）/ demo（载入党建示例数据）/ tasks VERB（重点工作台账，同 sanwu tasks）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        orgs = sub.add_parser("orgs", help="列出党组织（负责人姓名脱敏）")
        orgs.add_argument("--kind", choices=list(services.KIND_LABELS))
        add_list_arguments(orgs)
        counts = sub.add_parser("counts", help="党组织按类型：某日在册、期间新建及人数")
        counts.add_argument("--on", help="在册日期（默认今天）")
        talks = sub.add_parser("talk-counts", help="谈话人次（按类型，不含对象和要点）")
        for p in (counts, talks):
            p.add_argument("--from", dest="date_from", help="期间起（默认当年1月1日）")
            p.add_argument("--to", dest="date_to", help="期间止（默认今天）")
            add_list_arguments(p, within="只统计该区划及其下级")
        imp = sub.add_parser("import-orgs", help="从 CSV/XLSX 导入党组织名册（含突击队员），全部成功或全部不导入")
        imp.add_argument("file")
        add_as_argument(imp)
        imt = sub.add_parser("import-talks", help="从 CSV/XLSX 导入谈话记录（仅组织部门），全部成功或全部不导入；与已有记录相同的行跳过")
        imt.add_argument("file")
        add_as_argument(imt)
        dem = sub.add_parser("demo", help="为已载入的示例城市生成党组织、重点工作、调度会和谈话（已生成时不重复）")
        dem.add_argument("--seed", type=int, default=2021)
        add_task_arguments(sub.add_parser("tasks", help=TASKS_HELP))

    def handle(self, *args, action, **opts):
        if action == "tasks":
            return run_task(opts, self.stdout)
        if action == "demo":
            with cli_actor():
                result = demo.load_demo(opts["seed"])
            if result.skipped:
                self.stdout.write("党建示例数据已存在（或尚未载入示例城市），跳过。")
            else:
                self.stdout.write(
                    f"党组织 {result.orgs} 个（突击队员 {result.members} 人），重点工作 {result.tasks} 项，调度会与督导 {result.meetings} 次，谈话 {result.talks} 人次。"
                )
            return
        if action in ("import-orgs", "import-talks"):
            path = existing_file(opts["file"])
            with cli_actor(opts.get("as_user")) as actor:
                if action == "import-orgs":
                    made = imports.import_orgs(actor.user, path.read_bytes(), path.name)
                    self.stdout.write(f"导入完成：党组织 {len(made)} 个。")
                else:
                    result = imports.import_talks(actor.user, path.read_bytes(), path.name)
                    self.stdout.write(f"导入完成：谈话 {len(result.talks)} 人次，与已有记录相同而跳过 {result.skipped} 条。")
            return
        with cli_actor(opts.get("as_user")) as actor:
            user = actor.user
            t = services.today()
            if action == "orgs":
                table = self._orgs(user, opts)
            else:
                date_from = date_option(opts["date_from"], default=dt.date(t.year, 1, 1))
                date_to = date_option(opts["date_to"], default=t)
                period = tables.period_text(date_from, date_to)
                if action == "counts":
                    on = date_option(opts["on"], default=t)
                    rows = services.org_counts(user, on=on, date_from=date_from, date_to=date_to, region_code=opts["within"])
                    table = tables.org_counts_table(rows, on, period)
                else:
                    rows = services.talk_counts(user, date_from=date_from, date_to=date_to, region_code=opts["within"])
                    table = tables.talk_counts_table(rows, period, total=False)
        emit(table, opts["format"], opts["output"], self.stdout)

    def _orgs(self, user, opts):
        qs = permissions.visible(PartyOrg, user).select_related("region", "parent").annotate(listed=Count("members"))
        if opts["kind"]:
            qs = qs.filter(kind=opts["kind"])
        qs = within(qs, opts["within"], "region__code")
        return tables.orgs_table(qs.order_by("region_id", "kind", "id"), user)
