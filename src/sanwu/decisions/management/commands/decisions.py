from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_list_arguments, cli_actor, emit, SanwuCommand, within
from sanwu.core.permissions import visible
from sanwu.decisions import services
from sanwu.decisions.models import Matter
from sanwu.decisions.rules import MEETING_TYPES, STATUS_LABELS, VILLAGERS_MEETING_TYPES
from sanwu.decisions.tables import matters_table
from sanwu.demo.parts import load_part


class Command(SanwuCommand):
    help = "四议两公开：list（列出事项）、quorum（设置村民会议到会人数规则）、demo（载入示例事项）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="列出四议两公开事项")
        add_list_arguments(lst, statuses=STATUS_LABELS, within="只列出该区划（代码）内的事项")
        lst.add_argument("--year", type=int)

        q = sub.add_parser("quorum", help="设置县（市）村民会议的到会人数规则；同意须超过到会人数的半数（法定，不可改）")
        q.add_argument("--region", required=True, help="县或市的区划代码")
        q.add_argument("--meeting", required=True, choices=list(VILLAGERS_MEETING_TYPES),
                       help="、".join(f"{k} {MEETING_TYPES[k]}" for k in VILLAGERS_MEETING_TYPES))
        q.add_argument("--present", required=True, help="到会比例，如 1/2、2/3")
        q.add_argument("--more-than", action="store_true", help="须“超过”该比例（默认为“以上（含）”）")
        add_as_argument(q)

        demo = sub.add_parser("demo", help="为示例城市载入四议两公开事项（可重复运行；同 sanwu demo --only decisions）")
        demo.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, action, **opts):
        if action == "list":
            with cli_actor(opts.get("as_user")) as actor:
                qs = within(visible(Matter, actor.user), opts["within"], "village__code")
                if opts["status"]:
                    qs = qs.filter(status=opts["status"])
                if opts["year"]:
                    qs = qs.filter(year=opts["year"])
                table = matters_table(qs.select_related("village__parent").order_by("village_id", "-year", "id"))
                emit(table, opts["format"], opts["output"], self.stdout)
        elif action == "quorum":
            try:
                num, den = (int(x) for x in opts["present"].split("/"))
            except ValueError:
                raise CommandError(f"到会比例「{opts['present']}」无效（如 1/2、2/3）") from None
            with cli_actor(opts.get("as_user")) as actor:
                services.set_quorum_rule(actor.user, opts["region"], opts["meeting"], num, den, opts["more_than"])
            word = "超过" if opts["more_than"] else "以上（含）"
            self.stdout.write(f"已设置：{MEETING_TYPES[opts['meeting']]}到会须{word}{num}/{den}，同意须超过到会人数的半数")
        else:  # the alias of `sanwu demo --only decisions`
            with cli_actor():
                self.stdout.write(load_part("decisions", seed=opts["seed"]))
