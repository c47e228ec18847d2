from sanwu.core.cli_support import SanwuCommand, add_as_argument, add_list_arguments, add_table_arguments, cli_actor, date_option, emit, existing_file, within
from sanwu.core.dates import today
from sanwu.core.errors import NotFound
from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.core.permissions import get_visible, visible
from sanwu.ledger.models import Book, Voucher
from sanwu.regions.models import Region

from sanwu.contracts import rules, services
from sanwu.contracts.imports import import_contracts
from sanwu.contracts.models import Contract
from sanwu.contracts.tables import arrears_table, contracts_table


class Command(SanwuCommand):
    help = "合同：import（导入合同）、list（列出合同）、arrears（欠款及账龄）、receipt（登记收款凭证）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="从 CSV/XLSX 导入账套的合同（全部成功或全部不导入），按条款生成应收计划")
        imp.add_argument("file")
        imp.add_argument("--book", required=True)
        add_as_argument(imp)

        lst = sub.add_parser("list", help="列出合同（对方为个人时脱敏）")
        add_list_arguments(lst, statuses=dict(rules.STATUSES), within="只列出该区划（代码）内账套的合同")
        lst.add_argument("--book")

        arr = sub.add_parser("arrears", help="欠款：截至某日到期未收清的每一期（book、contract_no、counterparty、due、due_fen、paid_fen、owed_fen、days_overdue）")
        arr.add_argument("--region", required=True, help="区划代码")
        arr.add_argument("--date", help="截至日期 YYYY-MM-DD（默认今天）")
        add_table_arguments(arr)
        add_as_argument(arr)

        rec = sub.add_parser("receipt", help="把已记账的收款凭证登记到合同的应收计划（按期次先后）")
        rec.add_argument("--book", required=True)
        rec.add_argument("--contract", required=True, help="合同编号")
        rec.add_argument("--voucher", required=True, type=int, help="凭证编号（ID）")
        rec.add_argument("--amount", help="金额（元）；不给出时为凭证尚未登记的全部收款")
        add_as_argument(rec)

    def handle(self, *args, action, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            getattr(self, f"_{action}")(actor.user, opts)

    def _import(self, user, opts):
        path = existing_file(opts["file"])
        book = get_visible(Book, user, code=opts["book"])
        made = import_contracts(user, book, path.read_bytes(), path.name)
        self.stdout.write(f"已导入{book.name}的合同 {len(made)} 份\n")

    def _list(self, user, opts):
        qs = within(visible(Contract, user), opts["within"], "book__region__code").select_related("book")
        if opts["book"]:
            qs = qs.filter(book__code=opts["book"])
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        emit(contracts_table(qs.order_by("book__code", "number")), opts["format"], opts["output"], self.stdout)

    def _arrears(self, user, opts):
        region = get_visible(Region, user, code=opts["region"])
        on = date_option(opts["date"], "截至日期", today())
        rows = services.arrears(user, region.code, on)
        emit(arrears_table(rows, f"{region.name}合同欠款（截至{on}）"), opts["format"], opts["output"], self.stdout)

    def _receipt(self, user, opts):
        book = get_visible(Book, user, code=opts["book"])
        contract = Contract.objects.filter(book=book, number=opts["contract"]).first()
        if contract is None:
            raise NotFound(f"{book.name}没有合同「{opts['contract']}」")
        voucher = get_visible(Voucher, user, pk=opts["voucher"])
        amount = None
        if opts["amount"]:
            try:
                amount = parse_yuan(opts["amount"])
            except MoneyError as exc:
                from django.core.management.base import CommandError

                raise CommandError(f"金额「{opts['amount']}」无效：{exc}") from None
        links = services.link_receipt(user, contract, voucher, amount)
        self.stdout.write(f"已登记收款 {format_yuan(sum(lk.amount for lk in links))} 元：第{'、'.join(str(lk.line.seq) for lk in links)}期\n")
