"""Receipts: a posted voucher of the contract's book linked to the schedule lines it pays, oldest
first (or the lines named); never more than the money the voucher brought in (its debits to cash
and bank), across all the contracts it pays."""

from django.db import transaction
from django.db.models import Sum

from sanwu.core import audit, permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.ledger.models import Entry, Voucher

from ..models import Contract, ContractEvent, ReceiptLink, ScheduleLine
from .permissions import KEEP_ROLES

MONEY_ROLES = {"cash", "bank"}


def money_in(voucher: Voucher) -> int:
    """What a voucher brought in: its debits to cash and bank accounts."""
    return sum(e.debit for e in Entry.objects.filter(voucher=voucher).select_related("account") if e.account.role_set & MONEY_ROLES)


def linked_of(voucher: Voucher) -> int:
    return ReceiptLink.objects.filter(voucher=voucher).aggregate(s=Sum("amount"))["s"] or 0


def link_receipt(user, contract: Contract, voucher: Voucher, amount: int | None = None) -> list[ReceiptLink]:
    """Link `amount` of the voucher (all it has left, by default) to the contract's unpaid lines,
    oldest first; each line's `paid` moves with it."""
    permissions.require(user, KEEP_ROLES, contract.book.region_id, "登记合同收款", object_type="contracts.receipt", object_id=contract.pk)
    with transaction.atomic():
        v = Voucher.objects.select_for_update().get(pk=voucher.pk)
        problems = []
        if v.book_id != contract.book_id:
            problems.append(Problem("收款凭证不是本合同账套的凭证", field="凭证"))
        elif v.status != "posted":
            problems.append(Problem(f"凭证 {v.label} 尚未记账：记账后再登记收款", field="凭证"))
        if problems:
            raise Invalid(problems)
        left = money_in(v) - linked_of(v)
        want = left if amount is None else amount
        lines = list(ScheduleLine.objects.select_for_update().filter(contract=contract).order_by("seq"))
        owed = sum(ln.amount - ln.paid for ln in lines)
        if want <= 0:
            problems.append(Problem(f"凭证 {v.label} 的收款已全部登记到合同", field="金额"))
        elif want > left:
            problems.append(Problem(f"凭证 {v.label} 还可登记 {format_yuan(left)} 元，少于 {format_yuan(want)} 元", field="金额"))
        elif want > owed:
            problems.append(Problem(f"合同 {contract.number} 尚欠 {format_yuan(owed)} 元，少于 {format_yuan(want)} 元", field="金额"))
        if problems:
            raise Invalid(problems)
        links, rest = [], want
        for ln in lines:
            part = min(rest, ln.amount - ln.paid)
            if part <= 0:
                continue
            ln.paid += part
            rest -= part
            links.append(ReceiptLink(line=ln, voucher=v, amount=part, created_by=user if getattr(user, "pk", None) else None))
            if not rest:
                break
        ReceiptLink.objects.bulk_create(links)
        ScheduleLine.objects.bulk_update([lk.line for lk in links], ["paid"])
        ContractEvent.record(user, "receipt", note=f"凭证 {v.label} 收款 {format_yuan(want)} 元（{len(links)} 期）", contract=contract)
        audit.record("contracts.receipt", contract, actor=user, region_code=contract.book.region_id, new={"voucher": v.pk, "amount": want, "lines": [lk.line.seq for lk in links]})
    return links


def book_problems(book) -> list[str]:
    """`sanwu verify`: every schedule line's kept `paid` equals its receipt links."""
    links = dict(ReceiptLink.objects.filter(line__contract__book=book).values_list("line_id").annotate(s=Sum("amount")).values_list("line_id", "s"))
    out = []
    for pk, number, seq, paid in ScheduleLine.objects.filter(contract__book=book).values_list("pk", "contract__number", "seq", "paid"):
        if paid != links.get(pk, 0):
            out.append(f"合同 {number} 第{seq}期已收 {format_yuan(paid)} 元与收款登记 {format_yuan(links.get(pk, 0))} 元不符")
    return out


def receipts_of(contract: Contract):
    return ReceiptLink.objects.filter(line__contract=contract).select_related("voucher", "line").order_by("id")


