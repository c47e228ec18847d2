"""The columns of each 资金支付审批 list: the requests (the page's Excel/CSV export and `sanwu
payments list`), a request's history, and the bank payment file (银农直联 layout)."""

from sanwu.core.tables import Column, Table

from .models import PaymentEvent
from .rules import BANK_STATUSES, PAYEE_KINDS, STATUS_LABELS
from .services.bank import FILE_COLUMNS

ACTION_LABELS = dict(PaymentEvent.ACTIONS)


def requests_table(requests) -> Table:
    """The requests, the payee masked as everywhere by default (a person's name, every account)."""
    return Table(
        "付款申请",
        [
            Column("reference", "业务参考号", width=14), Column("village", "村代码", width=14), Column("village_name", "村"),
            Column("payee", "收款人", width=20), Column("payee_kind", "收款人类别"), Column("payee_account", "收款账号（脱敏）", width=24),
            Column("amount", "金额（元）", money=True, width=16), Column("purpose", "用途", width=30), Column("account", "支出科目", width=20),
            Column("matter", "四议两公开事项"), Column("status", "状态"), Column("bank", "银行支付"), Column("voucher", "付款凭证", width=24),
            Column("created", "申请日期", width=12),
        ],
        [
            {
                "reference": r.reference, "village": r.book.region_id, "village_name": r.book.region.name, "payee": r.shown_payee,
                "payee_kind": PAYEE_KINDS[r.payee_kind], "payee_account": r.payee_account_masked, "amount": r.amount, "purpose": r.purpose,
                "account": str(r.account), "matter": r.matter_id or "", "status": STATUS_LABELS[r.status], "bank": BANK_STATUSES[r.bank_status],
                "voucher": r.voucher.label if r.voucher_id else "", "created": r.created_at.date(),
            }
            for r in requests
        ],
    )


def history_table(events) -> Table:
    return Table(
        "付款申请记录",
        [Column("at", "时间", width=20), Column("action", "操作"), Column("from", "原状态"), Column("to", "新状态"), Column("actor", "操作人"), Column("note", "说明", width=40)],
        [
            {
                "at": e.at.strftime("%Y-%m-%d %H:%M"), "action": ACTION_LABELS.get(e.action, e.action), "from": STATUS_LABELS.get(e.from_status, ""),
                "to": STATUS_LABELS.get(e.to_status, ""), "actor": e.actor_label, "note": e.note,
            }
            for e in events
        ],
    )


def bank_file_table(lines) -> Table:
    """The payment file for the township's bank: one row per request, the header the bank reads
    (序号, 付款账号, 收款人户名, 收款账号, 开户行, 金额, 用途, 业务参考号); the one place full account
    numbers leave Sanwu (`services.send_bank_file` audits it)."""
    widths = {"付款账号": 24, "收款人户名": 24, "收款账号": 24, "开户行": 24, "用途": 30, "业务参考号": 14}
    return Table(
        "银行支付文件",
        [Column(c, c, money=c == "金额", width=widths.get(c, 0)) for c in FILE_COLUMNS],
        [
            {
                "序号": n, "付款账号": line.payer.number, "收款人户名": line.request.payee_name, "收款账号": line.request.payee_account,
                "开户行": line.request.payee_bank, "金额": line.request.amount, "用途": line.request.purpose[:60], "业务参考号": line.request.reference,
            }
            for n, line in enumerate(lines, start=1)
        ],
    )
