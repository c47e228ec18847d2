"""Each contract list's columns, once: the pages, their exports and the CLI use these. A
counterparty who is a person is masked everywhere."""

from sanwu.core.tables import Column, Table

from .rules import KINDS, PERIODS
from .services import counterparty_label


def contracts_table(contracts) -> Table:
    return Table("合同", [
        Column("book", "账套"), Column("number", "合同编号"), Column("kind", "类型"), Column("counterparty", "对方"), Column("object", "标的"),
        Column("start", "开始日期"), Column("end", "结束日期"), Column("amount", "每期金额", money=True), Column("period", "收款周期"),
        Column("deposit", "押金", money=True), Column("status", "状态"),
    ], ({"book": c.book.code, "number": c.number, "kind": KINDS[c.kind], "counterparty": counterparty_label(c), "object": c.object,
         "start": c.start, "end": c.end, "amount": c.amount, "period": PERIODS[c.period], "deposit": c.deposit, "status": c.get_status_display()}
        for c in contracts))


def schedule_table(contract) -> Table:
    return Table(f"合同 {contract.number} 应收计划", [
        Column("seq", "期次"), Column("due", "应收日期"), Column("amount", "应收", money=True), Column("paid", "已收", money=True), Column("owed", "未收", money=True),
    ], [{"seq": ln.seq, "due": ln.due, "amount": ln.amount, "paid": ln.paid, "owed": ln.amount - ln.paid} for ln in contract.lines.order_by("seq")])


def arrears_table(rows, title: str = "合同欠款") -> Table:
    """`sanwu contracts arrears`: amounts as integer fen under the names the issue gives them."""
    return Table(title, [
        Column("book", "账套"), Column("village", "村"), Column("contract_no", "合同编号"), Column("counterparty", "对方"),
        Column("object", "标的"), Column("seq", "期次"), Column("due", "应收日期"), Column("due_fen", "应收（分）"), Column("paid_fen", "已收（分）"),
        Column("owed_fen", "欠款（分）"), Column("days_overdue", "逾期天数"), Column("ageing", "账龄"),
    ], rows)
