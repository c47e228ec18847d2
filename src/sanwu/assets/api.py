"""资产台账 over HTTP (/api/v1/assets…): the cards in scope, one card, a book's register against
its books, and the month's depreciation (read; POST records it, the village accountant). Money is
integer fen in fields ending `_fen`."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status
from pydantic import Field

from sanwu.core.api_errors import responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.core.masking import mask_name
from sanwu.core.permissions import get_visible_or_404
from sanwu.ledger.models import Book

from . import rules, services
from .models import Card
from .tables import plan_json

router = Router(tags=["资产台账"])


class CardOut(Schema):
    id: int
    book: str
    number: str
    name: str
    category: str = Field(description="、".join(f"{k} {v}" for k, v in rules.CATEGORY_LABELS.items()))
    kind: str
    account: str
    location: str
    quantity: Decimal
    unit: str
    origin: str
    voucher_id: int | None
    custodian: str = Field(description="保管人（脱敏）")
    acquired: dt.date
    cost_fen: int
    life_months: int
    residual_rate_bp: int = Field(description="残值率（万分之）")
    accumulated_fen: int
    net_fen: int
    state: str = Field(description="、".join(f"{k} {v}" for k, v in rules.STATES.items()))
    depreciable: bool


def _card(c: Card) -> dict:
    return {
        "id": c.pk, "book": c.book.code, "number": c.number, "name": c.name, "category": c.category, "kind": c.kind, "account": c.account.code,
        "location": c.location, "quantity": c.quantity, "unit": c.unit, "origin": c.origin, "voucher_id": c.voucher_id,
        "custodian": mask_name(c.custodian) if c.custodian else "", "acquired": c.acquired, "cost_fen": c.cost, "life_months": c.life_months,
        "residual_rate_bp": c.residual_bp, "accumulated_fen": c.accumulated, "net_fen": c.cost - c.accumulated, "state": c.state, "depreciable": c.depreciable,
    }


@router.get("/assets/cards", response=responses(list[CardOut]), summary="管辖范围内的资产卡片", description="筛选：book（账套编码）、category、state；limit 最多 1000。")
def cards(request, book: str | None = None, category: str | None = None, state: str | None = None, limit: page_limit(1000) = 100, offset: Offset = 0):
    qs = Card.objects.visible_to(request.auth).select_related("book", "account")
    if book:
        qs = qs.filter(book__code=book)
    if category:
        if category not in rules.CATEGORIES:
            raise Invalid(Problem(f"未知类别「{category}」", field="category"))
        qs = qs.filter(category=category)
    if state:
        if state not in rules.STATES:
            raise Invalid(Problem(f"未知状态「{state}」", field="state"))
        qs = qs.filter(state=state)
    return [_card(c) for c in qs.order_by("book__code", "number")[offset : offset + limit]]


@router.get("/assets/cards/{id}", response=responses(CardOut), summary="一张资产卡片")
def card(request, id: int):
    return _card(get_visible_or_404(Card, request.auth, pk=id))


class TieOut(Schema):
    category: str
    what: str
    cards_fen: int
    books_fen: int
    difference_fen: int
    ok: bool


class RegisterOut(Schema):
    book: str
    since: str | None = Field(description="本系统计提折旧的起始月份 YYYY-MM；未建立台账时为 null")
    ok: bool
    ties: list[TieOut]


@router.get("/assets/books/{code}", response=responses(RegisterOut), summary="账套的资产台账与账簿核对")
def register(request, code: str):
    book = get_visible_or_404(Book, request.auth, code=code)
    reg = services.register_of(book)
    ties = services.ties(book) if reg else []
    return {
        "book": book.code, "since": f"{reg.since_year}-{reg.since_month:02d}" if reg else None, "ok": all(t.ok for t in ties),
        "ties": [{"category": t.category, "what": t.what, "cards_fen": t.cards, "books_fen": t.books, "difference_fen": t.difference, "ok": t.ok} for t in ties],
    }


class PlanCardOut(Schema):
    asset_no: str
    name: str
    category: str
    amount_fen: int
    accumulated_before_fen: int
    accumulated_after_fen: int


class PlanRunOut(Schema):
    id: int
    status: str = Field(description="pending 凭证待记账、posted 已记账")
    voucher: str | None


class PlanOut(Schema):
    book: str
    year: int
    month: int
    total_fen: int
    cards: list[PlanCardOut]
    run: PlanRunOut | None = Field(description="本月已计提时的记录")
    problems: list[str] = Field(description="不能计提的原因")


@router.get("/assets/books/{code}/depreciation/{year}/{month}", response=responses(PlanOut), summary="一个月的折旧：每张卡片与合计（分）")
def depreciation(request, code: str, year: int, month: int):
    book = get_visible_or_404(Book, request.auth, code=code)
    return plan_json(services.plan(book, year, month))


@router.post("/assets/books/{code}/depreciation/{year}/{month}", response=responses(PlanOut, 201), summary="计提本月折旧：生成凭证并提交审核（村会计）")
def depreciate(request, code: str, year: int, month: int):
    book = get_visible_or_404(Book, request.auth, code=code)
    services.run_month(request.auth, book, year, month)
    return Status(201, plan_json(services.plan(book, year, month)))


class ResourceOut(Schema):
    id: int
    village: str
    group: str | None
    number: str
    name: str
    kind: str = Field(description="、".join(f"{k} {v}" for k, v in rules.RESOURCE_KINDS.items()))
    area_mu: str = Field(description="面积（亩，两位小数）")
    certificate: str
    use: str = Field(description="、".join(f"{k} {v}" for k, v in rules.USES.items()))


@router.get("/assets/resources", response=responses(list[ResourceOut]), summary="管辖范围内的资源性资产", description="筛选：within（区划代码）、kind、use；limit 最多 1000。")
def resource_list(request, within: str | None = None, kind: str | None = None, use: str | None = None, limit: page_limit(1000) = 100, offset: Offset = 0):
    from .models import Resource

    qs = Resource.objects.visible_to(request.auth)
    if within:
        qs = qs.filter(village__code__startswith=region_prefix(within))
    if kind:
        if kind not in rules.RESOURCE_KINDS:
            raise Invalid(Problem(f"未知类型「{kind}」", field="kind"))
        qs = qs.filter(kind=kind)
    if use:
        if use not in rules.USES:
            raise Invalid(Problem(f"未知利用方式「{use}」", field="use"))
        qs = qs.filter(use=use)
    return [
        {"id": r.pk, "village": r.village_id, "group": r.group_id, "number": r.number, "name": r.name, "kind": r.kind,
         "area_mu": r.area_mu, "certificate": r.certificate, "use": r.use}
        for r in qs.order_by("village_id", "number")[offset : offset + limit]
    ]


class AreaOut(Schema):
    region: str
    name: str
    by_use_mu: dict[str, str] = Field(description="各利用方式的面积（亩）")
    total_mu: str
    revived_mu: str = Field(description="本年由闲置、低效转为利用的面积（亩）")


@router.get("/assets/resource-areas/{code}", response=responses(list[AreaOut]), summary="资源面积按利用方式：区划下每个村（乡镇、村民小组）一行和合计")
def resource_areas(request, code: str, year: int | None = None):
    from sanwu.regions.models import Region

    region = get_visible_or_404(Region, request.auth, code=code)
    return [
        {"region": r["region"], "name": r["name"], "by_use_mu": {u: rules.area_label(r[u]) for u in rules.USES},
         "total_mu": rules.area_label(r["total"]), "revived_mu": rules.area_label(r["revived"])}
        for r in services.areas_by_use(region.code, year)
    ]
