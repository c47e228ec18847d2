"""/api/v1/coop/…: the cooperative behind the same gate as the pages (one block per topic).
Thin handlers: fetch through the scope gate (404 outside it), call the services (403 on refusal,
422 with Chinese problems). Shares are decimal strings with two places ("12.50"); names and ID
numbers are always masked here."""

import datetime as dt
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field

from sanwu.core.api_errors import responses
from sanwu.core.api_fields import IsoDate, Offset, page_limit, text_field
from sanwu.core.errors import Invalid, NotFound, Problem
from sanwu.core.permissions import get_visible_or_404
from sanwu.decisions.models import Matter
from sanwu.ledger.models import Collective

from . import rules
from .models import Certificate, FinanceReview, Member, Roster, ShareClass, ShareOperation
from .services import distribution, supervision, ventures
from .services.certificates import certificates_of, head_names
from .services.holdings import holdings as holdings_of
from .services.register import current_book, holder_names
from .services.shares import Change, apply_change, holder_for
from .tables import certificates_table

router = Router(tags=["股份经济合作社"])


def _collective(request, id: int) -> Collective:
    return get_visible_or_404(Collective, request.auth, pk=id)


# --- members and rosters ------------------------------------------------------------------------


class CoopBrief(Schema):
    id: int
    village: str
    village_name: str
    name: str


class CoopMemberOut(Schema):
    household: str
    is_head: bool
    name: str = Field(description="姓名（脱敏）")
    id_number_masked: str
    relation: str
    is_member: bool = Field(description="目前是集体经济组织成员")
    joined_on: dt.date | None
    join_reason: str
    left_on: dt.date | None
    leave_reason: str


class CoopRosterOut(Schema):
    version: int
    status: str
    status_label: str
    members_count: int
    households_count: int
    digest: str
    held_on: dt.date | None
    matter_id: int | None


@router.get("/coop", response=responses(list[CoopBrief]), summary="管辖范围内的集体经济组织（股份经济合作社）")
def cooperatives(request, limit: page_limit(1000) = 100, offset: Offset = 0):
    qs = Collective.objects.visible_to(request.auth).select_related("region").order_by("region_id", "id")
    return [{"id": c.pk, "village": c.region_id, "village_name": c.region.name, "name": c.name} for c in qs[offset: offset + limit]]


@router.get("/coop/{id}/members", response=responses(list[CoopMemberOut]), summary="成员名册（姓名、身份证号脱敏）")
def members(request, id: int, limit: page_limit(5000) = 500, offset: Offset = 0):
    c = _collective(request, id)
    qs = Member.objects.filter(collective=c).select_related("household", "person").order_by("household__number", "-is_head", "id")
    return [
        {
            "household": m.household.number, "is_head": m.is_head, "name": m.person.masked_name, "id_number_masked": m.person.id_number_masked,
            "relation": m.relation, "is_member": m.active, "joined_on": m.joined_on, "join_reason": m.join_reason, "left_on": m.left_on,
            "leave_reason": m.leave_reason,
        }
        for m in qs[offset: offset + limit]
    ]


@router.get("/coop/{id}/rosters", response=responses(list[CoopRosterOut]), summary="成员名册的各版本（确认、备案状态）")
def rosters(request, id: int):
    c = _collective(request, id)
    return [
        {
            "version": r.version, "status": r.status, "status_label": rules.ROSTER_STATUSES[r.status], "members_count": r.members_count,
            "households_count": r.households_count, "digest": r.digest, "held_on": r.held_on, "matter_id": r.matter_id,
        }
        for r in Roster.objects.filter(collective=c).order_by("-version")
    ]


# --- shares, the register and certificates -----------------------------------------------------


class CoopHolderOut(Schema):
    holder: str = Field(description="户号；集体股为“集体”")
    kind: str
    head: str = Field(description="户主（脱敏）")
    shares: dict[str, str] = Field(description="各股份类别的份额（两位小数的字符串）")
    total: str


class CoopOperationOut(Schema):
    number: int
    on: dt.date
    kind: str
    kind_label: str
    share_class: str
    from_holder: str | None
    to_holder: str | None
    shares: str
    matter_id: int | None
    approval: str
    note: str
    digest: str


class CoopChangeIn(Schema):
    kind: str = Field(description="、".join(f"{k} {v}" for k, v in rules.OPERATION_KINDS.items() if k != "allocation"))
    share_class: Annotated[str, text_field(20, "股份类别")] = Field(description="股份类别名称")
    from_holder: Annotated[str, text_field(20, "转出方")] = Field("", description="转出方户号，集体为“集体”")
    to_holder: Annotated[str, text_field(20, "转入方")] = Field("", description="转入方户号，集体为“集体”")
    shares: Annotated[str, text_field(20, "份额")] = Field(description="份额，最多两位小数")
    on: IsoDate = Field(description="变动日期")
    matter_id: int | None = Field(None, description="四议两公开事项编号（民主议定调整必填）")
    approval: Annotated[str, text_field(200, "批准依据")] = ""
    note: Annotated[str, text_field(200, "说明")] = ""


@router.get("/coop/{id}/holdings", response=responses(list[CoopHolderOut]), summary="某日的持股明细（每个持股人一行）")
def holdings(request, id: int, date: IsoDate | None = None):
    c = _collective(request, id)
    classes, rows = holdings_of(c, date)
    return [
        {"holder": r.key, "kind": r.kind, "head": r.head, "shares": {cls.name: rules.format_units(r.units.get(cls.pk, 0)) for cls in classes}, "total": rules.format_units(r.total)}
        for r in rows
    ]


def _operations(c, ops) -> list[dict]:
    names = holder_names(c, {h for op in ops for h in (op.from_holder_id, op.to_holder_id) if h})
    return [
        {
            "number": op.number, "on": op.on, "kind": op.kind, "kind_label": rules.OPERATION_KINDS[op.kind], "share_class": op.share_class.name,
            "from_holder": names.get(op.from_holder_id) if op.from_holder_id else None, "to_holder": names.get(op.to_holder_id) if op.to_holder_id else None,
            "shares": rules.format_units(op.units), "matter_id": op.matter_id, "approval": op.approval, "note": op.note, "digest": op.digest,
        }
        for op in ops
    ]


@router.get("/coop/{id}/register", response=responses(list[CoopOperationOut]), summary="股权登记簿（按序号）")
def register(request, id: int, limit: page_limit(5000) = 500, offset: Offset = 0):
    c = _collective(request, id)
    ops = list(ShareOperation.objects.filter(collective=c).select_related("share_class").order_by("number")[offset: offset + limit])
    return _operations(c, ops)


@router.post("/coop/{id}/register", response=responses(CoopOperationOut, 201), summary="登记股权变动（村会计）")
def record_change(request, id: int, payload: CoopChangeIn):
    c = _collective(request, id)
    share_class = ShareClass.objects.filter(collective=c, name=payload.share_class).first()
    if share_class is None:
        raise Invalid(Problem(f"没有股份类别「{payload.share_class}」", field="share_class"))
    units, bad = rules.parse_units(payload.shares)
    if bad:
        raise Invalid(bad)
    matter = None
    if payload.matter_id is not None:
        matter = Matter.objects.filter(pk=payload.matter_id, village_id=c.region_id).first()
        if matter is None:
            raise Invalid(Problem("四议两公开事项不属于本村", field="matter_id"))
    change = Change(
        kind=payload.kind, share_class=share_class, units=units, on=payload.on,
        from_holder=holder_for(c, payload.from_holder) if payload.from_holder else None,
        to_holder=holder_for(c, payload.to_holder) if payload.to_holder else None,
        matter=matter, approval=payload.approval, note=payload.note,
    )
    op = apply_change(request.auth, c, change)
    return Status(201, _operations(c, [op])[0])


class CoopCertificateOut(Schema):
    number: str = Field(description="证书编号")
    household: str = Field(description="户号")
    head: str = Field(description="户主或持股人（脱敏）")
    as_at: dt.date = Field(description="持股截止日期")
    issued_on: dt.date
    shares: dict[str, str] = Field(description="证上记载的各类股份（两位小数的字符串）")
    total: str
    status: str = Field(description="valid 有效、superseded 已换发（失效）")
    status_label: str
    supersedes: str | None = Field(description="换发的原证编号")
    superseded_by: str | None = Field(description="换发后的新证编号")


def _certificate_out(cert: Certificate, row: dict) -> dict:
    successor = getattr(cert, "superseded_by", None) if cert.status == "superseded" else None
    return {
        "number": cert.number, "household": row["household"], "head": row["head"], "as_at": cert.as_at, "issued_on": cert.issued_on,
        "shares": {ln["class"]: rules.format_units(ln["units"]) for ln in cert.holdings}, "total": row["shares"],
        "status": cert.status, "status_label": row["status"], "supersedes": row["supersedes"] or None,
        "superseded_by": successor.number if successor else None,
    }


@router.get("/coop/{id}/certificates", response=responses(list[CoopCertificateOut]), summary="股权证（持股人脱敏，不含查询码）")
def certificates(request, id: int, status: str | None = None, limit: page_limit(5000) = 500, offset: Offset = 0):
    c = _collective(request, id)
    qs = certificates_of(c).select_related("superseded_by")
    if status:
        if status not in rules.CERTIFICATE_STATUSES:
            raise Invalid(Problem("状态应为 valid 或 superseded", field="status"))
        qs = qs.filter(status=status)
    certs = list(qs[offset: offset + limit])
    rows = certificates_table(certs, head_names(c)).rows
    return [_certificate_out(cert, row) for cert, row in zip(certs, rows)]


# --- the distribution ---------------------------------------------------------------------------


class CoopDistributionHousehold(Schema):
    household: str = Field(description="户号；集体股为“集体”")
    shares: str
    amount_fen: int


class CoopDistributionOut(Schema):
    book: str
    year: int
    status: str = Field(description="computed（按账簿测算，未保存）、" + "、".join(f"{k} {v}" for k, v in rules.DISTRIBUTION_STATUSES.items()))
    available_fen: int = Field(description="可分配收益（分）")
    reserve_fen: int = Field(description="提取公积公益金（分）")
    other_appropriations_fen: int = Field(description="提取应付福利费与外来投资分利（分）")
    distributable_fen: int = Field(description="向成员分配（分）")
    total_shares: str
    per_share_fen: str = Field(description="每股分配额（分，四位小数）")
    households: list[CoopDistributionHousehold]


class CoopDistributionDraftIn(Schema):
    reserve_rate_bp: int | None = Field(None, ge=0, le=10_000, description="公积公益金提取比例（万分比；不给出时用本县规则）")


class CoopDistributionDecideIn(Schema):
    matter_id: int = Field(description="通过方案的四议两公开事项（用途为收益分配）")


class CoopDistributionPublishIn(Schema):
    on: IsoDate | None = Field(None, description="公布日期（默认今天）")


class CoopDistributionPayIn(Schema):
    households: list[Annotated[str, text_field(20, "户号")]] = Field(description="已支付的户号")
    paid_on: IsoDate | None = Field(None, description="支付日期（默认今天）")


def _book_of(c: Collective):
    book = current_book(c.pk)
    if book is None:
        raise Invalid(Problem(f"{c.name}还没有账套"))
    return book


def _saved_plan(c: Collective, year: int):
    d = distribution.distribution_of(_book_of(c), year)
    if d is None:
        raise Invalid(Problem(f"没有{year}年的收益分配方案", field="year"))
    return d


@router.get("/coop/{id}/distributions/{year}", response=responses(CoopDistributionOut), summary="收益分配方案：已草拟的，或按年终结转后的账簿测算")
def distribution_plan(request, id: int, year: int):
    c = _collective(request, id)
    book = _book_of(c)
    return distribution.plan_json(distribution.distribution_of(book, year) or distribution.compute(book, year))


@router.post("/coop/{id}/distributions/{year}/draft", response=responses(CoopDistributionOut, 201), summary="草拟（或重新计算）分配方案（村会计）")
def distribution_draft(request, id: int, year: int, payload: CoopDistributionDraftIn):
    c = _collective(request, id)
    return Status(201, distribution.plan_json(distribution.draft(request.auth, _book_of(c), year, reserve_rate_bp=payload.reserve_rate_bp)))


@router.post("/coop/{id}/distributions/{year}/publish", response=responses(CoopDistributionOut), summary="记录向成员公布方案")
def distribution_publish(request, id: int, year: int, payload: CoopDistributionPublishIn):
    c = _collective(request, id)
    return distribution.plan_json(distribution.publish(request.auth, _saved_plan(c, year), payload.on))


@router.post("/coop/{id}/distributions/{year}/decide", response=responses(CoopDistributionOut), summary="记录成员大会通过方案（村党组织书记）")
def distribution_decide(request, id: int, year: int, payload: CoopDistributionDecideIn):
    c = _collective(request, id)
    matter = Matter.objects.filter(pk=payload.matter_id, village_id=c.region_id).first()
    return distribution.plan_json(distribution.decide(request.auth, _saved_plan(c, year), matter))


@router.post("/coop/{id}/distributions/{year}/approve", response=responses(CoopDistributionOut), summary="乡镇审核通过并入账")
def distribution_approve(request, id: int, year: int):
    c = _collective(request, id)
    return distribution.plan_json(distribution.approve(request.auth, _saved_plan(c, year)))


@router.post("/coop/{id}/distributions/{year}/pay", response=responses(CoopDistributionOut), summary="登记已支付分红的户（生成付款凭证并提交审核）")
def distribution_pay(request, id: int, year: int, payload: CoopDistributionPayIn):
    c = _collective(request, id)
    d = _saved_plan(c, year)
    distribution.pay(request.auth, d, payload.households, payload.paid_on)
    return distribution.plan_json(d)


# --- joint ventures -----------------------------------------------------------------------------


class CoopVentureStakeOut(Schema):
    kind: str = Field(description="、".join(f"{k} {v}" for k, v in rules.VENTURE_PARTIES.items()))
    kind_label: str
    party: str
    contribution_fen: int
    share: str = Field(description="出资占比，如“51.00%”")
    collective: bool = Field(description="本村集体的出资（其分得利润记入投资收益）")


class CoopVenturePartOut(Schema):
    party: str
    amount_fen: int


class CoopVentureProfitOut(Schema):
    year: int
    profit_fen: int
    declared_on: dt.date
    collective_part_fen: int
    voucher_status: str | None = Field(description="投资收益凭证的状态；亏损年度无凭证")
    parts: list[CoopVenturePartOut]


class CoopVentureOut(Schema):
    name: str
    credit_code: str
    business: str
    founded_on: dt.date
    collective_share: str
    stakes: list[CoopVentureStakeOut]
    profits: list[CoopVentureProfitOut]


@router.get("/coop/{id}/ventures", response=responses(list[CoopVentureOut]), summary="合作经营项目：各方出资与年度利润分配")
def venture_list(request, id: int, limit: page_limit(500) = 100, offset: Offset = 0):
    c = _collective(request, id)
    return [ventures.venture_json(v) for v in ventures.ventures_of(c)[offset: offset + limit]]


# --- the supervisory committee --------------------------------------------------------------------


class CoopOfficerOut(Schema):
    id: int
    post: str = Field(description="、".join(f"{k} {v}" for k, v in rules.OFFICER_POSTS.items()))
    post_label: str
    name: str = Field(description="姓名（脱敏）")
    started_on: dt.date
    ended_on: dt.date | None
    account: str = Field(description="签字用的登录账号（监事会成员）")


class CoopFinanceReviewOut(Schema):
    id: int
    book: str
    period: str = Field(description="所审月份，如“2025-03”")
    reviewed_on: dt.date
    remarks: str
    signers: list[str] = Field(description="签字成员（姓名脱敏）及职务")
    committee: int = Field(description="理财日在任的村务监督委员会成员人数")
    signed: bool = Field(description="签字已超过半数：该月财务公开可以发布")


class CoopFinanceReviewIn(Schema):
    period: Annotated[str, text_field(7, "所审月份")] = Field(description="所审月份，如“2025-03”")
    reviewed_on: IsoDate = Field(description="理财日期")
    remarks: Annotated[str, text_field(2000, "审核意见")] = Field(description="审核意见（无异议也请写明）")


def _officer_json(o) -> dict:
    return {
        "id": o.pk, "post": o.post, "post_label": o.get_post_display(), "name": o.person.masked_name, "started_on": o.started_on,
        "ended_on": o.ended_on, "account": o.account.username if o.account else "",
    }


def _review_json(s: dict) -> dict:
    r = s["review"]
    return {
        "id": r.pk, "book": r.book.code, "period": r.period_key, "reviewed_on": r.reviewed_on, "remarks": r.remarks,
        "signers": [supervision.signer_label(o) for o in s["signers"]], "committee": s["committee"], "signed": s["signed"],
    }


@router.get("/coop/{id}/officers", response=responses(list[CoopOfficerOut]), summary="任职情况：理事会、财务会计人员、村务监督委员会（监事会）")
def officer_list(request, id: int, limit: page_limit(500) = 100, offset: Offset = 0):
    c = _collective(request, id)
    return [_officer_json(o) for o in supervision.officers_of(c)[offset: offset + limit]]


@router.get("/coop/{id}/finance-reviews", response=responses(list[CoopFinanceReviewOut]), summary="民主理财记录（村务监督委员会每月审核并签字）")
def finance_review_list(request, id: int, limit: page_limit(500) = 100, offset: Offset = 0):
    c = _collective(request, id)
    book = _book_of(c)
    qs = FinanceReview.objects.filter(book=book).select_related("book")[offset: offset + limit]
    return [_review_json(s) for s in supervision.review_states(qs)]


@router.post("/coop/{id}/finance-reviews", response=responses(CoopFinanceReviewOut, 201), summary="记录本月民主理财并签字（村务监督委员会成员）")
def finance_review_record(request, id: int, payload: CoopFinanceReviewIn):
    c = _collective(request, id)
    year, month = supervision.parse_month(payload.period)
    r = supervision.record_review(request.auth, _book_of(c), year, month, remarks=payload.remarks, reviewed_on=payload.reviewed_on)
    return Status(201, _review_json(supervision.review_state(r)))


@router.post("/coop/{id}/finance-reviews/{review_id}/sign", response=responses(CoopFinanceReviewOut), summary="在民主理财记录上签字（村务监督委员会成员）")
def finance_review_sign(request, id: int, review_id: int):
    c = _collective(request, id)
    r = FinanceReview.objects.filter(collective=c, pk=review_id).first()
    if r is None:
        raise NotFound("没有这份民主理财记录")
    supervision.sign_review(request.auth, r)
    return _review_json(supervision.review_state(r))
