"""The payment voucher made from a reviewed request (a draft for the accountant to submit and have
reviewed as usual: debit the request's expense account, credit the bank account the village pays
from, the receipts copied), and what the oversight rule asks: which vouchers rest on a request."""

from django.db import transaction

from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import require
from sanwu.decisions import services as decisions
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Voucher

from ..models import PaymentEvent, PaymentRequest
from ..rules import STATUS_LABELS
from .permissions import MAKE_ROLES
from .requests import _move
from .settings import bank_accounts, payer_account_of


def paying_account(book):
    """The bank account a book pays from: the one registered, or the book's only bank account."""
    payer = payer_account_of(book)
    if payer is not None:
        return payer.account
    banks = bank_accounts(book)
    if len(banks) == 1:
        return banks[0]
    raise Invalid(Problem(f"账套「{book}」有{len(banks)}个银行存款科目，请先登记付款账户", field="银行存款科目"))


def voucher_draft(req: PaymentRequest, bank_code: str, date) -> ledger.VoucherDraft:
    summary = f"付{req.payee_name} {req.purpose}"[:200]
    kind = req.payee_kind
    return ledger.VoucherDraft(
        date=date, summary=summary, source_no=req.reference or "", attachment_count=None,
        entries=[
            ledger.EntryDraft(account=req.account.code, debit=req.amount, summary=summary, counterparty=req.payee_name, counterparty_kind=kind, settlement="bank"),
            ledger.EntryDraft(account=bank_code, credit=req.amount, summary=summary, counterparty=req.payee_name, counterparty_kind=kind, settlement="bank"),
        ],
    )


def make_voucher(user, req: PaymentRequest, date=None) -> Voucher:
    """The accountant makes the payment voucher (a draft) from a reviewed request; the request
    becomes paid and links to it, and the voucher is linked to the request's 四议两公开 matter.
    A request sent to the bank waits for the bank's result first. A request whose voucher draft
    was thrown away may have its voucher made again."""
    require(user, MAKE_ROLES, req.book.region_id, "制作付款凭证", object_type="payments.pay", object_id=req.pk)
    with transaction.atomic():
        r = PaymentRequest.objects.select_for_update(of=("self",)).select_related("book", "account", "matter").get(pk=req.pk)
        remade = r.status == "paid" and r.voucher_id is None
        if r.status != "reviewed" and not remade:
            raise Invalid(Problem(f"付款申请 {r.reference} 状态为「{STATUS_LABELS[r.status]}」，乡镇审核通过后才能制作付款凭证"))
        if r.bank_status == "sent":
            raise Invalid(Problem(f"付款申请 {r.reference} 已发送银行，请等银行回单后再制作凭证"))
        bank = paying_account(r.book)
        date = date or r.paid_on or today()
        receipts = []
        for att in r.receipts.all():
            with att.file.open("rb") as fh:
                receipts.append((att.filename, fh.read()))
        v = ledger.save_draft(user, r.book, voucher_draft(r, bank.code, date), receipts=receipts)
        r.voucher, r.paid_on = v, r.paid_on or date
        if remade:
            r.save()
            PaymentEvent.record(user, "pay", from_status="paid", to_status="paid", note="重新制作付款凭证", request=r)
        else:
            _move(user, r, "pay", note=f"付款凭证草稿（{v.date:%Y-%m-%d}）")
        if r.matter_id:
            decisions.link_voucher(user, r.matter, v)
    return v


def requested_vouchers(voucher_ids) -> set[int]:
    """Which of these vouchers were made from a payment request (system level: no user)."""
    ids, out = sorted(set(voucher_ids)), set()
    for start in range(0, len(ids), 500):
        out.update(PaymentRequest.objects.filter(voucher_id__in=ids[start:start + 500]).values_list("voucher_id", flat=True))
    return out
