import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor, emit
from sanwu.core.codes import region_prefix
from sanwu.core.tables import Column, Table
from sanwu.partywork import demo, services
from sanwu.partywork.models import PartyOrg, TeamMember

FORMATS = ["csv", "json", "xlsx"]


def _date(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期「{text}」无效（YYYY-MM-DD）") from None


class Command(BaseCommand):
    help = "党组织与党建统计：orgs（列出党组织）/ import-orgs FILE（导入名册）/ import-talks FILE（导入谈话记录，仅组织部门）/ counts（按类型统计党组织）/ talk-counts（谈话人次）/ demo（载入党建示例数据）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        orgs = sub.add_parser("orgs", help="列出党组织（负责人姓名脱敏）")
        orgs.add_argument("--kind", choices=list(services.KIND_LABELS))
        orgs.add_argument("--within", help="只列出该区划及其下级")
        counts = sub.add_parser("counts", help="党组织按类型：某日在册、期间新建及人数")
        counts.add_argument("--on", help="在册日期（默认今天）")
        talks = sub.add_parser("talk-counts", help="谈话人次（按类型，不含对象和要点）")
        for p in (counts, talks):
            p.add_argument("--from", dest="date_from", help="期间起（默认当年1月1日）")
            p.add_argument("--to", dest="date_to", help="期间止（默认今天）")
            p.add_argument("--within", help="只统计该区划及其下级")
        for p in (orgs, counts, talks):
            p.add_argument("--as", dest="as_user", help="以该用户身份执行（默认系统操作员）")
            p.add_argument("--format", choices=FORMATS, default="csv")
            p.add_argument("--output")
        imp = sub.add_parser("import-orgs", help="从 CSV/XLSX 导入党组织名册（含突击队员），全部成功或全部不导入")
        imp.add_argument("file")
        imp.add_argument("--as", dest="as_user", help="以该用户身份执行（默认系统操作员）")
        imt = sub.add_parser("import-talks", help="从 CSV/XLSX 导入谈话记录（仅组织部门），全部成功或全部不导入；与已有记录相同的行跳过")
        imt.add_argument("file")
        imt.add_argument("--as", dest="as_user", help="以该用户身份执行（默认系统操作员）")
        dem = sub.add_parser("demo", help="为已载入的示例城市生成党组织、重点工作、调度会和谈话（已生成时不重复）")
        dem.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, action, **opts):
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
            from pathlib import Path

            from sanwu.partywork import importer

            path = Path(opts["file"])
            if not path.is_file():
                raise CommandError(f"文件「{path}」不存在")
            with cli_actor(opts.get("as_user")) as actor:
                if action == "import-orgs":
                    made = importer.import_orgs(actor.user, path.read_bytes(), path.name)
                    self.stdout.write(f"导入完成：党组织 {len(made)} 个。")
                else:
                    result = importer.import_talks(actor.user, path.read_bytes(), path.name)
                    self.stdout.write(f"导入完成：谈话 {len(result.talks)} 人次，与已有记录相同而跳过 {result.skipped} 条。")
            return
        with cli_actor(opts.get("as_user")) as actor:
            user = actor.user
            t = services.today()
            if action == "orgs":
                table = self._orgs(user, opts)
            elif action == "counts":
                rows = services.org_counts(
                    user, on=_date(opts["on"], t), date_from=_date(opts["date_from"], dt.date(t.year, 1, 1)), date_to=_date(opts["date_to"], t),
                    region_code=opts["within"],
                )
                table = Table("党组织统计", [
                    Column("kind", "kind"), Column("label", "类型"), Column("active", "在册"), Column("people_active", "在册人数"),
                    Column("created", "期内新建"), Column("people_created", "期内新建人数"),
                ], [r.__dict__ for r in rows])
            else:
                rows = services.talk_counts(
                    user, date_from=_date(opts["date_from"], dt.date(t.year, 1, 1)), date_to=_date(opts["date_to"], t), region_code=opts["within"],
                )
                table = Table("谈话人次", [Column("kind", "kind"), Column("label", "类型"), Column("count", "人次")], [r.__dict__ for r in rows])
        emit(table, opts["format"], opts["output"], self.stdout)

    def _orgs(self, user, opts) -> Table:
        qs = services.visible(PartyOrg, user).select_related("region", "parent")
        if opts["kind"]:
            qs = qs.filter(kind=opts["kind"])
        if opts["within"]:
            qs = qs.filter(region__code__startswith=region_prefix(opts["within"]))
        from django.db.models import Count

        listed = dict(TeamMember.objects.filter(org__in=qs).values_list("org_id").annotate(n=Count("id")).order_by())
        return Table("党组织", [
            Column("id", "编号"), Column("name", "名称"), Column("kind", "类型"), Column("region", "区划代码"), Column("parent", "上级党组织"),
            Column("purpose", "用途"), Column("start_date", "成立日期"), Column("end_date", "撤销日期"), Column("leader", "负责人"), Column("members", "人数"),
        ], [
            {"id": o.pk, "name": o.name, "kind": o.get_kind_display(), "region": o.region_id, "parent": o.parent.name if o.parent else "",
             "purpose": o.get_purpose_display() if o.purpose else "", "start_date": o.start_date, "end_date": o.end_date,
             "leader": o.masked_leader, "members": listed.get(o.pk, o.member_count)}
            for o in qs.order_by("region_id", "kind", "id")
        ])
