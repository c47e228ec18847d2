"""合同 over HTTP (/api/v1/contracts…): contracts in scope with their schedules, arrears of a
region, and a receipt voucher linked to a contract (the village accountant). Money in fen; a
counterparty who is a person is masked."""

import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from sanwu.core.api_errors import responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.dates import today
from sanwu.core.permissions import get_visible_or_404
from sanwu.ledger.models import Voucher
from sanwu.regions.models import Region

from . import rules, services
from .models import Contract

router = Router(tags=["合同"])


class LineOut(Schema):
    seq: int
    due: dt.date
    amount_fen: int
    paid_fen: int


class ContractOut(Schema):
    id: int
    book: str
    number: str
    kind: str = Field(description="、".join(f"{k} {v}" for k, v in rules.KINDS.items()))
    counterparty: str = Field(description="对方（个人脱敏）")
    counterparty_kind: str
    object: str
    start: dt.date
    end: dt.date
    amount_fen: int
    period: str = Field(description="、".join(f"{k} {v}" for k, v in rules.PERIODS.items()))
    deposit_fen: int
    status: str
    lines: list[LineOut]


def _contract(c: Contract) -> dict:
    return {
        "id": c.pk, "book": c.book.code, "number": c.number, "kind": c.kind, "counterparty": services.counterparty_label(c), "counterparty_kind": c.counterparty_kind,
        "object": c.object, "start": c.start, "end": c.end, "amount_fen": c.amount, "period": c.period, "deposit_fen": c.deposit, "status": c.status,
        "lines": [{"seq": ln.seq, "due": ln.due, "amount_fen": ln.amount, "paid_fen": ln.paid} for ln in c.lines.order_by("seq")],
    }


@router.get("/contracts", response=responses(list[ContractOut]), summary="管辖范围内的合同及其应收计划", description="筛选：book（账套编码）、kind；limit 最多 500。")
def contracts(request, book: str | None = None, kind: str | None = None, limit: page_limit(500) = 100, offset: Offset = 0):
    qs = Contract.objects.visible_to(request.auth).select_related("book").prefetch_related("lines")
    if book:
        qs = qs.filter(book__code=book)
    if kind:
        qs = qs.filter(kind=kind)
    return [_contract(c) for c in qs.order_by("book__code", "number")[offset : offset + limit]]


@router.get("/contracts/{id}", response=responses(ContractOut), summary="一份合同及其应收计划")
def contract(request, id: int):
    return _contract(get_visible_or_404(Contract, request.auth, pk=id))


class ArrearOut(Schema):
    book: str
    contract_no: str
    counterparty: str
    seq: int
    due: dt.date
    due_fen: int
    paid_fen: int
    owed_fen: int
    days_overdue: int
    ageing: str


@router.get("/contracts-arrears/{region}", response=responses(list[ArrearOut]), summary="区划内合同欠款：截至某日到期未收清的每一期", description="date 默认今天。")
def arrears(request, region: str, date: dt.date | None = None):
    r = get_visible_or_404(Region, request.auth, code=region)
    return services.arrears(request.auth, r.code, date or today())


class ReceiptIn(Schema):
    voucher_id: int
    amount_fen: int | None = Field(None, description="不给出时为凭证尚未登记的全部收款")


@router.post("/contracts/{id}/receipts", response=responses(ContractOut, 201), summary="登记收款凭证到合同应收计划（村会计）")
def receipt(request, id: int, payload: ReceiptIn):
    c = get_visible_or_404(Contract, request.auth, pk=id)
    v = get_visible_or_404(Voucher, request.auth, pk=payload.voucher_id)
    services.link_receipt(request.auth, c, v, payload.amount_fen)
    return Status(201, _contract(Contract.objects.get(pk=c.pk)))
