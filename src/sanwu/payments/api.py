"""资金支付审批 over HTTP (/api/v1/payments…): requests, their transitions and history. Thin
handlers: fetch through the scope gate (404 outside it), call the services (403 on refusal, 422
with Chinese problems). Money is integer fen in fields ending `_fen`; the payee's account number
is always masked here (the full number goes only into the township's bank file)."""

import datetime as dt
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field

from sanwu.core.api_errors import responses
from sanwu.core.api_fields import Fen, IsoDate, Offset, page_limit, text_field
from sanwu.core.codes import region_code_errors, region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible_or_404
from sanwu.ledger.models import Book

from . import services
from .models import PaymentEvent, PaymentRequest
from .rules import PAYEE_KINDS, STATUS_LABELS

router = Router(tags=["资金支付审批"])


class PaymentIn(Schema):
    book: Annotated[str, text_field(32, "账套")] = Field(description="账套编码")
    payee_name: Annotated[str, text_field(100, "收款人户名")]
    payee_kind: str = Field(description="person 个人、organisation 单位")
    payee_account: Annotated[str, text_field(40, "收款账号")]
    payee_bank: Annotated[str, text_field(100, "开户行")]
    amount_fen: Fen = Field(description="金额（分，整数）")
    purpose: Annotated[str, text_field(200, "用途")]
    account: Annotated[str, text_field(20, "支出科目")] = Field(description="支出科目（预算项目）编码")
    matter_id: int | None = Field(None, description="四议两公开事项编号")


class PaymentApproveIn(Schema):
    committee_signer: Annotated[str, text_field(50, "村务监督委员会审核人")] = ""


class PaymentReasonIn(Schema):
    reason: Annotated[str, text_field(200, "退回原因")] = ""


class PaymentVoucherIn(Schema):
    date: IsoDate | None = Field(None, description="凭证日期（默认银行付款日或今天）")


class PaymentEventOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    note: str
    actor: str | None
    at: dt.datetime


class PaymentBrief(Schema):
    id: int
    reference: str
    book: str
    village: str
    village_name: str
    payee: str = Field(description="收款人（个人姓名脱敏）")
    payee_kind: str
    payee_account_masked: str
    payee_bank: str
    amount_fen: int
    purpose: str
    account: str
    matter_id: int | None
    status: str
    status_label: str
    bank_status: str
    voucher_id: int | None
    reject_reason: str


class PaymentOut(PaymentBrief):
    committee_signer: str
    paid_on: dt.date | None
    receipts: list[str]
    history: list[PaymentEventOut]


def _brief(r: PaymentRequest) -> dict:
    return {
        "id": r.pk, "reference": r.reference or "", "book": r.book.code, "village": r.book.region_id, "village_name": r.book.region.name,
        "payee": r.shown_payee, "payee_kind": r.payee_kind, "payee_account_masked": r.payee_account_masked, "payee_bank": r.payee_bank,
        "amount_fen": r.amount, "purpose": r.purpose, "account": r.account.code, "matter_id": r.matter_id, "status": r.status,
        "status_label": STATUS_LABELS[r.status], "bank_status": r.bank_status, "voucher_id": r.voucher_id, "reject_reason": r.reject_reason,
    }


def _full(user, r: PaymentRequest) -> dict:
    r = PaymentRequest.objects.select_related("book__region", "account").get(pk=r.pk)
    events = PaymentEvent.objects.visible_to(user).filter(request=r).select_related("actor") if user is not None else r.events.all()
    return {
        **_brief(r), "committee_signer": r.committee_signer, "paid_on": r.paid_on, "receipts": [f.filename for f in r.receipts.all()],
        "history": [
            {"action": e.action, "action_label": e.action_label, "from_status": e.from_status, "to_status": e.to_status, "note": e.note,
             "actor": e.actor.username if e.actor_id else None, "at": e.at}
            for e in events
        ],
    }


def _get(request, id: int) -> PaymentRequest:
    return get_visible_or_404(PaymentRequest, request.auth, pk=id)


@router.get("/payments", response=responses(list[PaymentBrief]), summary="管辖范围内的付款申请",
            description="筛选：region（区划代码）、status（" + "、".join(STATUS_LABELS) + "）；limit 最多 1000。")
def payments(request, region: str | None = None, status: str | None = None, limit: page_limit(1000) = 100, offset: Offset = 0):
    qs = PaymentRequest.objects.visible_to(request.auth).select_related("book__region", "account")
    if region:
        if region_code_errors(region):
            raise Invalid(Problem(f"区划代码「{region}」无效", field="region"))
        qs = qs.filter(book__region__code__startswith=region_prefix(region))
    if status:
        if status not in STATUS_LABELS:
            raise Invalid(Problem(f"未知状态「{status}」（{'、'.join(STATUS_LABELS)}）", field="status"))
        qs = qs.filter(status=status)
    return [_brief(r) for r in qs.order_by("-id")[offset: offset + limit]]


@router.post("/payments", response=responses(PaymentOut, 201), summary="填写付款申请（村会计；附件在页面或命令行上传）")
def create_payment(request, payload: PaymentIn):
    book = get_visible_or_404(Book, request.auth, code=payload.book)
    if payload.payee_kind not in PAYEE_KINDS:
        raise Invalid(Problem(f"收款人类别「{payload.payee_kind}」无效（person、organisation）", field="payee_kind"))
    d = services.RequestData(
        payee_name=payload.payee_name, payee_kind=payload.payee_kind, payee_account=payload.payee_account, payee_bank=payload.payee_bank,
        amount=payload.amount_fen, purpose=payload.purpose, account=payload.account, matter_id=payload.matter_id,
    )
    return Status(201, _full(request.auth, services.create_request(request.auth, book, d)))


@router.get("/payments/{id}", response=responses(PaymentOut), summary="一份付款申请及其审批记录")
def payment(request, id: int):
    return _full(request.auth, _get(request, id))


@router.post("/payments/{id}/submit", response=responses(PaymentOut), summary="提交村级审批（村会计）")
def submit(request, id: int):
    return _full(request.auth, services.submit(request.auth, _get(request, id)))


@router.post("/payments/{id}/approve", response=responses(PaymentOut), summary="村级审批同意（村党组织书记；大额须填村务监督委员会审核人）")
def approve(request, id: int, payload: PaymentApproveIn):
    return _full(request.auth, services.approve(request.auth, _get(request, id), payload.committee_signer))


@router.post("/payments/{id}/review", response=responses(PaymentOut), summary="乡镇审核同意（乡镇农经站）")
def review(request, id: int):
    return _full(request.auth, services.review(request.auth, _get(request, id)))


@router.post("/payments/{id}/reject", response=responses(PaymentOut), summary="退回会计（须填写原因）")
def reject(request, id: int, payload: PaymentReasonIn):
    return _full(request.auth, services.reject(request.auth, _get(request, id), payload.reason))


@router.post("/payments/{id}/voucher", response=responses(PaymentOut, 201), summary="生成付款凭证草稿（村会计）")
def make_voucher(request, id: int, payload: PaymentVoucherIn):
    r = _get(request, id)
    services.make_voucher(request.auth, r, date=payload.date)
    return Status(201, _full(request.auth, r))
