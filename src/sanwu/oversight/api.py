"""Oversight over HTTP (/api/v1/oversight/…): the live feed (poll with `since`), warnings and
their handling, dashboard counts, the review queue and the county parameters.

Thin handlers: everything is fetched through the scope gate (`NotFound` → 404 outside it) and
every change is made by the services, which check permissions themselves (`Refused` → 403,
`Invalid` → 422). The county parameters are shown for the counties `permissions.counties_for`
offers (a township's own county too) and changed only by the county supervisor. Money
is integer fen in fields ending `_fen`.
"""

import datetime as dt
from typing import Annotated, Any

from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import BeforeValidator, Field

from sanwu.core.api_errors import responses as _responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.codes import region_code_errors
from sanwu.core.errors import Invalid, NotFound, Problem
from sanwu.core.permissions import get_visible
from sanwu.core.scope import grants_of
from sanwu.regions.models import Region

from . import services
from .models import Warning
from .rules import rule_label

router = Router(tags=["实时监管"])

POLL_OVERLAP = dt.timedelta(seconds=10)


def _text(value):
    return "" if value is None else value


class ExplainIn(Schema):
    text: Annotated[str, BeforeValidator(_text)] = Field(description="情况说明（不超过2000字）")


class WarningNoteIn(Schema):
    note: Annotated[str, BeforeValidator(_text)] = Field("", description="处理意见；上报时必填（不超过500字）")


class FlagOut(Schema):
    id: int
    rule: str
    rule_label: str
    severity: str
    status: str
    message: str


class FeedItem(Schema):
    id: int
    book: str
    village_code: str
    village: str
    township: str
    label: str
    date: dt.date
    summary: str
    total_fen: int
    attachment_count: int
    settlements: list[str]
    posted_at: dt.datetime
    url: str
    severity: str
    warnings: list[FlagOut]


class FeedOut(Schema):
    now: dt.datetime
    next_since: dt.datetime = Field(description="下次轮询时作为 since 传回（与本次有 10 秒重叠，请按 id 去重）")
    items: list[FeedItem]


class WarningEventOut(Schema):
    at: dt.datetime
    actor: str | None
    from_status: str
    to_status: str
    note: str


class WarningOut(Schema):
    id: int
    rule: str
    rule_label: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    village_code: str
    village: str
    township_code: str
    message: str
    amount_fen: int | None
    occurred_on: dt.date | None
    created_at: dt.datetime
    book: str | None
    voucher_id: int | None
    voucher_url: str | None
    explanation: str
    explained_by: str | None
    explained_at: dt.datetime | None
    handled_by: str | None
    handled_at: dt.datetime | None
    handling_note: str
    overdue: bool


class WarningDetailOut(WarningOut):
    history: list[WarningEventOut]
    actions: dict[str, bool]


class CountsOut(Schema):
    code: str
    name: str
    open: int
    explained: int
    accepted: int
    escalated: int
    overdue: int
    high: int
    total: int


class DashboardOut(Schema):
    region: str
    level: str
    statuses: dict[str, int]
    total: int
    active: int
    overdue: int
    high: int
    children: list[CountsOut]
    rules: dict[str, dict[str, int]]
    trend: dict[str, Any]
    overdue_closings: int


class QueueItem(Schema):
    id: int
    book: str
    village_code: str
    village: str
    date: dt.date
    summary: str
    total_fen: int
    attachment_count: int
    submitted_at: dt.datetime | None
    maker: str | None
    url: str


class ParamsOut(Schema):
    county: str
    cash_limit_fen: int
    large_amount_fen: int
    duplicate_days: int
    round_min_fen: int
    round_unit_fen: int
    close_day: int
    response_days: int
    disabled_rules: list[str]


class ParamsIn(Schema):
    cash_limit_fen: int | None = Field(None, gt=0)
    large_amount_fen: int | None = Field(None, gt=0)
    duplicate_days: int | None = Field(None, ge=1, le=366)
    round_min_fen: int | None = Field(None, gt=0)
    round_unit_fen: int | None = Field(None, gt=0)
    close_day: int | None = Field(None, ge=1, le=28)
    response_days: int | None = Field(None, ge=1, le=365)
    disabled_rules: list[str] | None = None


def _voucher_url(v) -> str:
    return reverse("ledger:voucher", args=[v.book.code, v.pk])


def _warning(w: Warning, now=None) -> dict:
    return {
        "id": w.pk, "rule": w.rule, "rule_label": rule_label(w.rule),
        "severity": w.severity, "severity_label": w.get_severity_display(), "status": w.status, "status_label": w.get_status_display(),
        "village_code": w.village_id, "village": w.village.name, "township_code": w.township_code, "message": w.message,
        "amount_fen": w.amount, "occurred_on": w.occurred_on, "created_at": w.created_at, "book": w.book.code if w.book_id else None,
        "voucher_id": w.voucher_id, "voucher_url": _voucher_url(w.voucher) if w.voucher_id else None,
        "explanation": w.explanation, "explained_by": w.explained_by.username if w.explained_by_id else None,
        "explained_at": w.explained_at, "handled_by": w.handled_by.username if w.handled_by_id else None,
        "handled_at": w.handled_at, "handling_note": w.handling_note, "overdue": services.is_overdue(w, now),
    }


def _detail(user, w: Warning) -> dict:
    w = Warning.objects.select_related("village", "book", "voucher__book", "explained_by", "handled_by").get(pk=w.pk)
    return {
        **_warning(w),
        "history": [
            {"at": e.at, "actor": e.actor_name or None, "from_status": e.from_status, "to_status": e.to_status, "note": e.note}
            for e in w.events.order_by("at", "id")
        ],
        "actions": services.allowed_actions(user, w),
    }


def _region(request, code: str | None) -> str:
    """A region filter: a valid code (or prefix) in the caller's scope, else 422 / 404."""
    if not code:
        return ""
    if region_code_errors(code) and not (code.isdigit() and len(code) in (4, 6, 9)):
        raise Invalid(Problem(f"区划代码「{code}」无效", field="region"))
    return services.region_in_scope(request.auth, code, "oversight.region")


# --- the live feed ----------------------------------------------------------------------------


@router.get("/oversight/feed", response=_responses(FeedOut), summary="实时监管：管辖范围内新记账的凭证（用 since 轮询）")
def feed(
    request, since: dt.datetime | None = None, township: str = "", village: str = "", min_fen: int | None = None,
    max_fen: int | None = None, settlement: str = "", account: str = "", flagged: bool = False, severity: str = "", limit: page_limit(500) = 100,
):
    f = services.FeedFilter(
        township=township, village=village, min_amount=min_fen, max_amount=max_fen, settlement=settlement, account=account,
        flagged=flagged, severity=severity, since=since,
    )
    problems = services.feed_errors(f)
    if problems:
        raise Invalid([Problem(p) for p in problems])
    now = timezone.now()
    vouchers = services.dress_feed(list(services.feed(request.auth, f)[:limit]))
    next_since = now - POLL_OVERLAP
    if since is not None and next_since < since:
        next_since = since
    return {
        "now": now,
        "next_since": next_since,
        "items": [
            {
                "id": v.pk, "book": v.book.code, "village_code": v.book.region_id, "village": v.village.name,
                "township": v.township.name if v.township else "", "label": v.label, "date": v.date, "summary": v.summary,
                "total_fen": v.total, "attachment_count": v.attachment_count, "settlements": v.settlements,
                "posted_at": v.posted_at, "url": _voucher_url(v), "severity": v.severity,
                "warnings": [
                    {"id": w.pk, "rule": w.rule, "rule_label": w.rule_label, "severity": w.severity, "status": w.status, "message": w.message}
                    for w in v.flags
                ],
            }
            for v in vouchers
        ],
    }


# --- warnings ---------------------------------------------------------------------------------


@router.get("/oversight/warnings", response=_responses(list[WarningOut]), summary="预警列表（status、rule、severity、region、overdue 筛选）")
def warning_list(
    request, status: str = "", rule: str = "", severity: str = "", region: str = "", overdue: bool = False, active: bool = False,
    limit: page_limit(1000) = 100, offset: Offset = 0,
):
    region = _region(request, region)
    f = services.WarningFilter(status=status, rule=rule, severity=severity, region=region, overdue=overdue, active=active)
    now = timezone.now()
    qs = services.warnings(request.auth, f).select_related("voucher__book")
    return [_warning(w, now) for w in qs[offset : offset + limit]]


@router.get("/oversight/warnings/{id}", response=_responses(WarningDetailOut), summary="一条预警（含处理记录和可用操作）")
def warning_detail(request, id: int):
    return _detail(request.auth, get_visible(Warning, request.auth, pk=id))


@router.post("/oversight/warnings/{id}/explain", response=_responses(WarningDetailOut), summary="村会计或书记说明情况（open → explained）")
def explain(request, id: int, payload: ExplainIn):
    w = get_visible(Warning, request.auth, pk=id)
    return _detail(request.auth, services.explain(request.auth, w, payload.text))


@router.post("/oversight/warnings/{id}/accept", response=_responses(WarningDetailOut), summary="乡镇认可说明（explained → accepted）；县级认可已上报的预警")
def accept(request, id: int, payload: WarningNoteIn):
    w = get_visible(Warning, request.auth, pk=id)
    return _detail(request.auth, services.accept(request.auth, w, payload.note))


@router.post("/oversight/warnings/{id}/escalate", response=_responses(WarningDetailOut), summary="乡镇上报县级（须填原因）")
def escalate(request, id: int, payload: WarningNoteIn):
    w = get_visible(Warning, request.auth, pk=id)
    return _detail(request.auth, services.escalate(request.auth, w, payload.note))


# --- dashboard, queue -------------------------------------------------------------------------


def _default_region(user) -> str:
    grants = sorted(grants_of(user), key=lambda g: len(g.prefix))
    return grants[0].region_code if grants else ""


@router.get("/oversight/dashboard", response=_responses(DashboardOut), summary="看板计数：按状态、下级区划、规则、月份")
def dashboard(request, region: str = ""):
    code = _region(request, region) or _default_region(request.auth)
    if not code:
        raise NotFound()
    get_visible(Region, request.auth, code=code)
    d = services.dashboard(request.auth, code)
    return {
        "region": code, "level": d["level"], "statuses": d["statuses"], "total": d["total"], "active": d["active"],
        "overdue": d["overdue"], "high": d["high"], "children": d["children"], "rules": d["rules"], "trend": d["trend"],
        "overdue_closings": len(services.overdue_closings(request.auth, code)),
    }


@router.get("/oversight/queue", response=_responses(list[QueueItem]), summary="待审核凭证（已提交、等待乡镇审核）")
def queue(request, region: str = "", limit: page_limit(1000) = 100, offset: Offset = 0):
    code = _region(request, region)
    return [
        {
            "id": v.pk, "book": v.book.code, "village_code": v.book.region_id, "village": v.book.region.name, "date": v.date,
            "summary": v.summary, "total_fen": v.total, "attachment_count": v.attachment_count, "submitted_at": v.submitted_at,
            "maker": v.maker.username if v.maker_id else None, "url": _voucher_url(v),
        }
        for v in services.review_queue(request.auth, code)[offset : offset + limit]
    ]


# --- county parameters ------------------------------------------------------------------------


def _params(code: str, p) -> dict:
    return {
        "county": code, "cash_limit_fen": p.cash_limit, "large_amount_fen": p.large_amount, "duplicate_days": p.duplicate_days,
        "round_min_fen": p.round_min, "round_unit_fen": p.round_unit, "close_day": p.close_day, "response_days": p.response_days,
        "disabled_rules": sorted(p.disabled),
    }


@router.get("/oversight/settings/{county}", response=_responses(ParamsOut), summary="一个县的预警参数（未设置时为默认值）")
def get_settings(request, county: str):
    region = services.county_offered(request.auth, county)
    return _params(region.code, services.params_for(region.code))


@router.put("/oversight/settings/{county}", response=_responses(ParamsOut), summary="修改一个县的预警参数（县级监管）")
def put_settings(request, county: str, payload: ParamsIn):
    region = services.county_offered(request.auth, county)
    names = {
        "cash_limit_fen": "cash_limit", "large_amount_fen": "large_amount", "duplicate_days": "duplicate_days",
        "round_min_fen": "round_min", "round_unit_fen": "round_unit", "close_day": "close_day", "response_days": "response_days",
    }
    values = {names[k]: v for k, v in payload.dict().items() if k in names and v is not None}
    if payload.disabled_rules is not None:
        values["disabled"] = frozenset(payload.disabled_rules)
    return _params(region.code, services.update_params(request.auth, region.code, **values))
