"""`sanwu payments <verb>`: payment requests from the command line, each as the page does it and
honouring `--as USERNAME` (without it, the system operator)."""

from pathlib import Path

from django.core.management.base import CommandError

from sanwu.core.cli_support import (
    SanwuCommand,
    add_as_argument, add_list_arguments, add_table_arguments, cli_actor, date_option, emit, existing_file, table_text, within,
)
from sanwu.core.money import MoneyError, format_yuan, parse_yuan
from sanwu.core.permissions import get_visible, visible
from sanwu.ledger.models import Book
from sanwu.payments import services
from sanwu.payments.models import PaymentEvent, PaymentRequest
from sanwu.payments.rules import BANK_STATUSES, PAYEE_KINDS, STATUS_LABELS
from sanwu.payments.tables import bank_file_table, history_table, requests_table


def _yuan(text: str) -> int:
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        raise CommandError(str(exc)) from None


def _request(user, ref: str) -> PaymentRequest:
    lookup = {"pk": int(ref)} if ref.isdigit() else {"reference": ref}
    return get_visible(PaymentRequest, user, **lookup)


class Command(SanwuCommand):
    help = ("资金支付审批：list、show、new、submit、approve、review、reject、voucher（生成付款凭证）、"
            "bank-file（银行支付文件）、bank-result（导入银行回单）、payer（登记付款账户）、settings（县参数）")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        lst = sub.add_parser("list", help="列出付款申请（收款人、账号脱敏）")
        add_list_arguments(lst, statuses=STATUS_LABELS, within="只列出该区划（代码）内的付款申请")

        show = sub.add_parser("show", help="一份付款申请及其审批记录")
        show.add_argument("ref", help="业务参考号（FK…）或编号")
        add_as_argument(show)

        new = sub.add_parser("new", help="填写付款申请（村会计）")
        new.add_argument("--book", required=True, help="账套编码")
        new.add_argument("--payee", required=True, help="收款人户名")
        new.add_argument("--kind", required=True, choices=list(PAYEE_KINDS), help="person 个人、organisation 单位")
        new.add_argument("--account-no", required=True, help="收款账号")
        new.add_argument("--bank", required=True, help="收款人开户行")
        new.add_argument("--amount", required=True, help="金额（元）")
        new.add_argument("--purpose", required=True, help="用途")
        new.add_argument("--budget", required=True, help="支出科目（预算项目）编码")
        new.add_argument("--matter", type=int, help="四议两公开事项编号")
        new.add_argument("--receipt", action="append", default=[], help="原始凭证文件（可多次给出）")
        add_as_argument(new)

        for verb, text in (("submit", "提交审批（村会计）"), ("review", "乡镇审核同意（乡镇农经站）")):
            p = sub.add_parser(verb, help=text)
            p.add_argument("ref")
            add_as_argument(p)
        approve = sub.add_parser("approve", help="村级审批同意（村党组织书记）")
        approve.add_argument("ref")
        approve.add_argument("--committee", default="", help="村务监督委员会审核人（达到县定金额时必填）")
        add_as_argument(approve)
        reject = sub.add_parser("reject", help="退回会计（村审批或乡镇审核时）")
        reject.add_argument("ref")
        reject.add_argument("--reason", required=True)
        add_as_argument(reject)
        voucher = sub.add_parser("voucher", help="由审核通过的付款申请生成付款凭证草稿（村会计）")
        voucher.add_argument("ref")
        voucher.add_argument("--date", help="凭证日期 YYYY-MM-DD（默认银行付款日或今天）")
        add_as_argument(voucher)

        bank = sub.add_parser("bank-file", help="乡镇的银行支付文件（银农直联格式）")
        bank.add_argument("--township", required=True, help="乡镇区划代码")
        add_table_arguments(bank)
        add_as_argument(bank)
        result = sub.add_parser("bank-result", help="导入银行回单（业务参考号、成功/失败、原因），全部无误才导入")
        result.add_argument("file")
        result.add_argument("--township", required=True, help="乡镇区划代码")
        add_as_argument(result)

        payer = sub.add_parser("payer", help="登记账套的付款账户（村会计）")
        payer.add_argument("--book", required=True)
        payer.add_argument("--account", required=True, help="银行存款科目编码")
        payer.add_argument("--number", required=True, help="付款账号")
        payer.add_argument("--bank", required=True, help="开户行")
        add_as_argument(payer)

        st = sub.add_parser("settings", help="县的资金支付审批参数（不给出参数时显示）")
        st.add_argument("--county", required=True, help="县区划代码")
        st.add_argument("--matter-threshold", help="须经四议两公开的金额（元）")
        st.add_argument("--committee-threshold", help="须经村务监督委员会审核的金额（元）")
        st.add_argument("--warn", choices=("on", "off"), help="付款凭证没有审批单时是否预警")
        st.add_argument("--warn-min", help="预警起点（元）")
        add_as_argument(st)

    def handle(self, *args, verb, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            user = actor.user
            if verb in self.MOVES:
                self.move(verb, user, opts)
            else:
                getattr(self, "do_" + verb.replace("-", "_"))(user, opts)

    def do_list(self, user, opts):
        qs = within(visible(PaymentRequest, user), opts["within"], "book__region__code")
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        qs = qs.select_related("book__region", "account", "voucher").order_by("book__region_id", "id")
        emit(requests_table(qs), opts["format"], opts["output"], self.stdout)

    def do_show(self, user, opts):
        r = _request(user, opts["ref"])
        w = self.stdout.write
        w(f"{r.reference}  {STATUS_LABELS[r.status]}  {r.book.region.name}（{r.book.code}）\n")
        w(f"收款人：{r.shown_payee}（{PAYEE_KINDS[r.payee_kind]}） {r.payee_account_masked} {r.payee_bank}\n")
        w(f"金额：{format_yuan(r.amount)} 元  用途：{r.purpose}  支出科目：{r.account}\n")
        if r.matter_id:
            w(f"四议两公开：{r.matter.title}（{r.matter.stage_label}）\n")
        if r.committee_signer:
            w(f"村务监督委员会：{r.committee_signer}\n")
        w(f"银行支付：{BANK_STATUSES[r.bank_status]}{('（' + r.bank_note + '）') if r.bank_note else ''}\n")
        if r.voucher_id:
            w(f"付款凭证：{r.voucher.label}（{r.voucher.get_status_display()}）\n")
        if r.status == "rejected":
            w(f"退回原因：{r.reject_reason}\n")
        w("\n" + table_text(history_table(PaymentEvent.objects.filter(request=r).select_related("actor"))))

    def do_new(self, user, opts):
        book = get_visible(Book, user, code=opts["book"])
        receipts = [(Path(f).name, existing_file(f).read_bytes()) for f in opts["receipt"]]
        d = services.RequestData(
            payee_name=opts["payee"], payee_kind=opts["kind"], payee_account=opts["account_no"], payee_bank=opts["bank"],
            amount=_yuan(opts["amount"]), purpose=opts["purpose"], account=opts["budget"], matter_id=opts["matter"],
        )
        r = services.create_request(user, book, d, receipts=receipts)
        self.stdout.write(f"已保存付款申请 {r.reference}（{format_yuan(r.amount)} 元，附件 {len(receipts)} 个）\n")

    # The transitions: the service's call and what is said after it.
    MOVES = {
        "submit": (lambda user, r, o: services.submit(user, r), "{r.reference} 已提交村级审批"),
        "approve": (lambda user, r, o: services.approve(user, r, o["committee"]), "{r.reference} 村级审批同意，已报乡镇审核"),
        "review": (lambda user, r, o: services.review(user, r), "{r.reference} 乡镇审核同意"),
        "reject": (lambda user, r, o: services.reject(user, r, o["reason"]), "{r.reference} 已退回会计：{r.reject_reason}"),
    }

    def move(self, verb, user, opts):
        act, said = self.MOVES[verb]
        r = act(user, _request(user, opts["ref"]), opts)
        self.stdout.write(said.format(r=r) + "\n")

    def do_voucher(self, user, opts):
        v = services.make_voucher(user, _request(user, opts["ref"]), date=date_option(opts.get("date"), "凭证日期"))
        self.stdout.write(f"已生成付款凭证草稿：{v.book.code} 第 {v.pk} 号（{v.date}，{format_yuan(v.total)} 元），请提交审核\n")

    def do_bank_file(self, user, opts):
        lines = services.send_bank_file(user, opts["township"])
        emit(bank_file_table(lines), opts["format"], opts["output"], self.stdout)

    def do_bank_result(self, user, opts):
        path = existing_file(opts["file"])
        r = services.read_bank_result(user, opts["township"], path.read_bytes(), path.name)
        self.stdout.write(f"银行回单已导入：支付成功 {r.paid} 笔，失败 {r.failed} 笔（已退回会计）\n")

    def do_payer(self, user, opts):
        book = get_visible(Book, user, code=opts["book"])
        p = services.set_payer_account(user, book, opts["account"], opts["number"], opts["bank"])
        self.stdout.write(f"已登记 {book.code} 的付款账户：{p.account} {p.number} {p.bank}\n")

    def do_settings(self, user, opts):
        values = {}
        for opt, field in (("matter_threshold", "matter_threshold"), ("committee_threshold", "committee_threshold"), ("warn_min", "warn_min_amount")):
            if opts.get(opt):
                values[field] = _yuan(opts[opt])
        if opts.get("warn"):
            values["warn_without_request"] = opts["warn"] == "on"
        t = services.update_thresholds(user, opts["county"], **values) if values else services.thresholds_for(opts["county"])
        self.stdout.write(
            f"须经四议两公开：{format_yuan(t.matter_threshold)} 元起\n须经村务监督委员会：{format_yuan(t.committee_threshold)} 元起\n"
            f"付款凭证无审批单预警：{'开启' if t.warn_without_request else '关闭'}（{format_yuan(t.warn_min_amount)} 元起）\n"
        )

