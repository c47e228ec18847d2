"""`sanwu assessment …`: the demo records, an assessment's ranking and consequences, score import,
and the rectification list — the same services and tables as the pages."""

from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_list_arguments, add_status_argument, add_table_arguments, cli_actor, emit, SanwuCommand
from sanwu.core.errors import NotFound
from sanwu.core.permissions import visible

from ... import demo, imports, services, tables
from ...models import Assessment, Consequence, Rectification, Unit

def _assessment(pk: int, user) -> Assessment:
    """The assessment the user reaches (`services.assessment_for`), or `NotFound` naming it."""
    try:
        return services.assessment_for(user, pk)[0]
    except NotFound:
        raise NotFound(f"考核「{pk}」不存在或不在管辖范围内") from None


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise CommandError(f"无法读取文件「{path}」：{exc.strerror}") from None


class Command(SanwuCommand):
    help = ("研判、整顿与考核：demo | ranking ID | import-scores ID FILE | apply ID | consequences ID | rectification-list | "
            "import-difficult FILE --county C | import-rectifications FILE --county C")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        d = sub.add_parser("demo", help="为示例城市的岳西县载入研判、整顿、考核示例数据（可重复运行）")
        d.add_argument("--seed", type=int, default=2021)
        for name, text in (("ranking", "考核排名"), ("consequences", "考核问责")):
            p = sub.add_parser(name, help=text)
            p.add_argument("id", type=int, help="考核编号")
            add_table_arguments(p)
            add_as_argument(p)
        imp = sub.add_parser("import-scores", help="从 CSV/XLSX 导入得分（全部或全不）")
        imp.add_argument("id", type=int)
        imp.add_argument("file")
        add_as_argument(imp)
        ap = sub.add_parser("apply", help="按本县规则落实考核问责（可重复运行，不重复认定）")
        ap.add_argument("id", type=int)
        add_as_argument(ap)
        for name, text in (("import-difficult", "从 CSV/XLSX 导入重点难点村清单（全部或全不）"),
                           ("import-rectifications", "从 CSV/XLSX 导入软弱涣散村党组织整顿台账（全部或全不）")):
            p = sub.add_parser(name, help=text)
            p.add_argument("file")
            p.add_argument("--county", required=True, help="县的12位代码")
            add_as_argument(p)
        rl = sub.add_parser("rectification-list", help="软弱涣散村党组织整顿台账")
        rl.add_argument("--county", required=True, help="县的12位代码")
        add_status_argument(rl, {"listed": "整顿中", "delisted": "已销号", "all": "全部"}, default="listed")
        rl.add_argument("--year", type=int)
        add_list_arguments(rl, within=None)

    def handle(self, *args, action, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            user = actor.user
            if action == "demo":
                result = demo.load_demo(opts["seed"])
                self.stdout.write(f"已载入：研判 {result.get('rounds', 0)} 轮，整顿对象 {result.get('listed', 0)} 个，考核 {result.get('assessments', 0)} 次。")
            elif action == "ranking":
                a = _assessment(opts["id"], user)
                mine = set(visible(Unit, user).filter(assessment=a).values_list("pk", flat=True))
                rows = [r for r in services.standings(a) if r.unit.pk in mine]
                emit(tables.ranking_table(a, rows, list(a.indicators.all())), opts["format"], opts["output"], self.stdout)
            elif action == "consequences":
                a = _assessment(opts["id"], user)
                qs = visible(Consequence, user).filter(assessment=a).select_related("unit__region")
                emit(tables.assessment_consequences_table(qs), opts["format"], opts["output"], self.stdout)
            elif action == "import-scores":
                a = _assessment(opts["id"], user)
                result = imports.import_scores(user, a, _read(opts["file"]), opts["file"])
                self.stdout.write(f"导入完成：{result['rows']} 个考核对象、{result['entries']} 项得分，其中 {result['changed']} 项有变化。")
            elif action in ("import-difficult", "import-rectifications"):
                data = _read(opts["file"])
                if action == "import-difficult":
                    self.stdout.write(imports.difficult_summary(imports.import_difficult(user, opts["county"], data, opts["file"])))
                else:
                    self.stdout.write(imports.rectification_summary(imports.import_rectifications(user, opts["county"], data, opts["file"])))
            elif action == "apply":
                a = _assessment(opts["id"], user)
                done = services.apply_consequences(user, a)
                self.stdout.write(f"新认定问责 {len(done.created)} 项，已有 {len(done.existing)} 项，新列入台账任务 {done.tasks} 项。")
                for note in done.notes:
                    self.stderr.write(note)
            elif action == "rectification-list":
                qs = visible(Rectification, user).filter(county_id=opts["county"])
                if opts["status"] != "all":
                    qs = qs.filter(status=opts["status"])
                if opts["year"]:
                    qs = qs.filter(year=opts["year"])
                qs = qs.select_related("village__parent").prefetch_related("situations", "measures", "checks").order_by("-year", "village_id")
                emit(tables.rectification_table(qs), opts["format"], opts["output"], self.stdout)
