"""`sanwu disclosure list|prepare|confirm|publish|check`: financial disclosures from the command
line, through the same services (and so the same roles and checks) as the pages."""

from django.core.management.base import CommandError

from sanwu.core.cli_support import add_as_argument, add_list_arguments, cli_actor, emit, SanwuCommand, within
from sanwu.core.errors import NotFound
from sanwu.core.permissions import get_visible, visible
from sanwu.disclosure import services
from sanwu.disclosure.models import Disclosure
from sanwu.disclosure.tables import STATUS_LABELS, disclosures_table
from sanwu.ledger.management.commands.book import find_book

def find_disclosure(pk: int, user) -> Disclosure:
    """The disclosure as the acting user may see it; outside the scope it does not exist for
    them (`NotFound`, the refusal audited; `cli_actor` prints it as one line)."""
    try:
        return get_visible(Disclosure, user, pk=pk)
    except NotFound:
        raise NotFound(f"财务公开「{pk}」不存在，或不在您的管辖范围内") from None


class Command(SanwuCommand):
    help = "财务公开：list（列出）、prepare（编制）、confirm（书记确认）、publish（发布）、check（与账簿核对）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="列出管辖范围内的财务公开")
        add_list_arguments(lst, statuses=STATUS_LABELS, within="只列出该区划（代码）内的公开")
        lst.add_argument("--year", type=int)

        prep = sub.add_parser("prepare", help="按账簿编制（或重新编制）一期财务公开（村会计）")
        prep.add_argument("--book", required=True, help="账套代码")
        prep.add_argument("--period", required=True, help="期间：2020-03（月度）或 2020-Q1（季度）")
        add_as_argument(prep)

        for name, text in (("confirm", "确认已编制的公开（村党组织书记）"), ("publish", "发布已确认的公开（发布后冻结，不能撤回）"),
                           ("check", "将已发布的公开与账簿核对；不相符时退出码为 1")):
            p = sub.add_parser(name, help=text)
            p.add_argument("id", type=int, help="财务公开编号")
            add_as_argument(p)

    def handle(self, *args, action, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            user = actor.user
            if action == "list":
                qs = within(visible(Disclosure, user), opts["within"], "village__code")
                if opts["status"]:
                    qs = qs.filter(status=opts["status"])
                if opts["year"]:
                    qs = qs.filter(year=opts["year"])
                rows = qs.select_related("village__parent").order_by("village_id", "-year", "-month_to", "book_id")
                emit(disclosures_table(rows), opts["format"], opts["output"], self.stdout)
            elif action == "prepare":
                d = services.prepare_period(user, find_book(opts["book"], user), opts["period"])
                self.stdout.write(f"已编制{d.village.name}{d.period_label}的财务公开（编号 {d.pk}），请村党组织书记核对确认。")
            elif action == "confirm":
                d = services.confirm(user, find_disclosure(opts["id"], user))
                self.stdout.write(f"已确认{d.village.name}{d.period_label}的财务公开（编号 {d.pk}），确认后即可发布。")
            elif action == "publish":
                d = services.publish(user, find_disclosure(opts["id"], user))
                self.stdout.write(f"已发布{d.village.name}{d.period_label}的财务公开（编号 {d.pk}）：发布后不能修改或撤回。")
            else:
                d = find_disclosure(opts["id"], user)
                r = services.check_details(d)
                self.stdout.write(f"{d.village.name}{d.period_label}：{r.explanation}")
                for line in r.details:
                    self.stdout.write(f"  {line}")
        if action == "check" and not r.ok:
            raise CommandError(f"财务公开「{d.pk}」与账簿不符")
