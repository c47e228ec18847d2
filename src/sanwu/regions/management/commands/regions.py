from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor, emit
from sanwu.core.codes import region_prefix
from sanwu.regions import services
from sanwu.regions.models import Region
from sanwu.regions.tables import regions_cli_table


class Command(BaseCommand):
    help = "区划：导入（import FILE）或列出（list）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="从 CSV/XLSX 导入区划（列：code/代码, name/名称, parent/上级），全部成功或全部不导入")
        imp.add_argument("file")
        lst = sub.add_parser("list", help="列出区划")
        lst.add_argument("--within", help="只列出该区划及其下级")
        lst.add_argument("--level", choices=["city", "county", "township", "village", "group"])
        lst.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
        lst.add_argument("--output")

    def handle(self, *args, action, **opts):
        if action == "import":
            path = Path(opts["file"])
            if not path.is_file():
                raise CommandError(f"文件「{path}」不存在")
            with cli_actor():
                result = services.import_regions(path.read_bytes(), path.name)
            self.stdout.write(f"导入完成：新增 {result['created']} 个，更新 {result['updated']} 个（共 {result['rows']} 行）")
        else:
            qs = Region.objects.all()
            if opts["within"]:
                qs = qs.filter(code__startswith=region_prefix(opts["within"]))
            if opts["level"]:
                qs = qs.filter(level=opts["level"])
            table = regions_cli_table(qs)
            emit(table, opts["format"], opts["output"], self.stdout)
