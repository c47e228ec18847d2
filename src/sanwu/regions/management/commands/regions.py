from django.db.models import Count

from sanwu.core.cli_support import add_list_arguments, cli_actor, emit, existing_file, SanwuCommand, within
from sanwu.regions import services
from sanwu.regions.models import Region
from sanwu.regions.tables import regions_table


class Command(SanwuCommand):
    help = "区划：导入（import FILE）或列出（list）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="从 CSV/XLSX 导入区划（列：code/代码, name/名称, parent/上级），全部成功或全部不导入")
        imp.add_argument("file")
        lst = sub.add_parser("list", help="列出区划")
        add_list_arguments(lst, as_user=False)
        lst.add_argument("--level", choices=["city", "county", "township", "village", "group"])

    def handle(self, *args, action, **opts):
        if action == "import":
            path = existing_file(opts["file"])
            with cli_actor():
                result = services.import_regions(path.read_bytes(), path.name)
            self.stdout.write(f"导入完成：新增 {result['created']} 个，更新 {result['updated']} 个（共 {result['rows']} 行）")
        else:
            qs = within(Region.objects.all(), opts["within"])
            if opts["level"]:
                qs = qs.filter(level=opts["level"])
            table = regions_table(qs.annotate(n_children=Count("children")).order_by("code"))
            emit(table, opts["format"], opts["output"], self.stdout)
