"""Openness over HTTP (/api/v1/).

Inside the platform (token, scope gate; outside it 404): disclosures (list, one, prepare,
confirm, publish, check), the county settings, questions (list, one, answer) and the answer
statistics. A service's `Invalid` answers 422, `Refused` 403 (handlers in sanwu/api.py).

Public, no token (`/public/villages/{code}/…`): exactly what the public village page shows,
through the same published-only service functions — published disclosures, answered
questions (masked), published decisions. Read-only.

Money is integer fen in fields ending `_fen`.
"""

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from sanwu.core.api_errors import Detail, responses as _responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.permissions import county_regions, get_visible_or_404
from sanwu.ledger.models import Book
from sanwu.regions.models import Region

from . import services
from .models import Disclosure, DisclosureSettings, Question
from .services.scrub import MaskedText
from .services.snapshot import KIND_LABELS

router = Router(tags=["村务公开"])


# --- Figures -----------------------------------------------------------------------------------


class FlowLine(Schema):
    key: str
    label: str
    plain: str = Field(description="通俗说明")
    period_fen: int
    ytd_fen: int
    last_period_fen: int
    last_ytd_fen: int


class Totals(Schema):
    period_fen: int
    ytd_fen: int
    last_period_fen: int
    last_ytd_fen: int


class BalanceLine(Schema):
    key: str
    label: str
    plain: str
    opening_fen: int
    closing_fen: int
    last_closing_fen: int


class ItemOut(Schema):
    date: dt.date
    no: str
    summary: str
    kind: str = Field(description="income 收入 / expense 支出 / other 往来")
    kind_label: str
    amount_fen: int
    counterparty: str = Field(description="对方；个人已脱敏")


class PeriodOut(Schema):
    kind: str
    year: int
    month_from: int
    month_to: int
    label: str
    start: dt.date
    end: dt.date


class FiguresOut(Schema):
    village: dict[str, str]
    book: dict[str, str]
    period: PeriodOut
    has_last_year: bool
    income: list[FlowLine]
    income_total: Totals
    sources: list[FlowLine]
    expense: list[FlowLine]
    expense_total: Totals
    net: Totals
    balances: list[BalanceLine]
    items: list[ItemOut]


class DisclosureCheckOut(Schema):
    ok: bool
    explanation: str
    details: list[str]


def _fen(d: dict, keys) -> dict:
    return {f"{k}_fen": d.get(k, 0) for k in keys}


FLOW_KEYS = ("period", "ytd", "last_period", "last_ytd")


def _figures(s: dict) -> dict:
    def flow(line):
        return {"key": line["key"], "label": line["label"], "plain": line.get("plain", ""), **_fen(line, FLOW_KEYS)}

    return {
        "village": s["village"], "book": s["book"], "period": s["period"], "has_last_year": s["has_last_year"],
        "income": [flow(x) for x in s["income"]], "income_total": _fen(s["income_total"], FLOW_KEYS),
        "sources": [flow(x) for x in s["sources"]],
        "expense": [flow(x) for x in s["expense"]], "expense_total": _fen(s["expense_total"], FLOW_KEYS),
        "net": _fen(s["net"], FLOW_KEYS),
        "balances": [{"key": b["key"], "label": b["label"], "plain": b["plain"], **_fen(b, ("opening", "closing", "last_closing"))} for b in s["balances"]],
        "items": [
            {"date": i["date"], "no": i["no"], "summary": i["summary"], "kind": i["kind"], "kind_label": KIND_LABELS.get(i["kind"], ""),
             "amount_fen": i["amount"], "counterparty": i["counterparty"]}
            for i in s["items"]
        ],
    }


# --- Inside: disclosures -----------------------------------------------------------------------


class DisclosureBrief(Schema):
    id: int
    village: str
    village_name: str
    book: str
    period: str = Field(description="2020-03（月度）或 2020-Q1（季度）")
    label: str
    kind: str
    status: str
    status_label: str
    income_fen: int
    expense_fen: int
    published_at: dt.datetime | None


class DisclosureOut(DisclosureBrief):
    prepared_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    chain_head: str
    posted_count: int | None
    due_date: dt.date
    figures: FiguresOut
    check: DisclosureCheckOut | None = Field(description="仅已发布的公开：与账簿的核对结果")


class PrepareIn(Schema):
    book: str = Field(description="账套编码")
    period: str = Field(description="2020-03（月度）或 2020-Q1（季度）")


def _brief(d: Disclosure) -> dict:
    s = d.snapshot
    return {
        "id": d.pk, "village": d.village_id, "village_name": s.get("village", {}).get("name", ""), "book": d.book.code,
        "period": d.period_key, "label": d.period_label, "kind": d.kind, "status": d.status, "status_label": d.get_status_display(),
        "income_fen": s.get("income_total", {}).get("period", 0), "expense_fen": s.get("expense_total", {}).get("period", 0),
        "published_at": d.published_at,
    }


def _full(d: Disclosure) -> dict:
    check = None
    if d.is_published:
        r = services.check_details(d)
        check = {"ok": r.ok, "explanation": r.explanation, "details": r.details}
    return {
        **_brief(d), "prepared_at": d.prepared_at, "confirmed_at": d.confirmed_at, "chain_head": d.chain_head,
        "posted_count": d.posted_count, "due_date": services.due_date(services.settings_for(d.village_id), services.period_of(d)),
        "figures": _figures(d.snapshot), "check": check,
    }


def _get(request, id: int) -> Disclosure:
    return get_visible_or_404(Disclosure, request.auth, pk=id)


@router.get("/disclosures", response=list[DisclosureBrief], summary="管辖范围内的财务公开")
def disclosures(request, village: str | None = None, status: str | None = None, year: int | None = None, limit: page_limit(2000) = 200, offset: Offset = 0):
    qs = Disclosure.objects.visible_to(request.auth).select_related("book")
    if village:
        qs = qs.filter(village_id=village)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return [_brief(d) for d in qs.order_by("-year", "-month_to", "village_id")[offset : offset + limit]]


@router.post("/disclosures", response=_responses(DisclosureOut), summary="从账簿编制（或重新编制）一期财务公开（村会计）")
def prepare(request, payload: PrepareIn):
    book = get_visible_or_404(Book, request.auth, code=payload.book)
    return _full(services.prepare_period(request.auth, book, payload.period))


@router.get("/disclosures/{id}", response=_responses(DisclosureOut), summary="一期财务公开（含数字、明细与核对结果）")
def disclosure(request, id: int):
    return _full(_get(request, id))


@router.post("/disclosures/{id}/confirm", response=_responses(DisclosureOut), summary="确认（仅村党组织书记）")
def confirm(request, id: int):
    return _full(services.confirm(request.auth, _get(request, id)))


@router.post("/disclosures/{id}/publish", response=_responses(DisclosureOut), summary="发布（不可撤回；冻结数字并记下账簿链头）")
def publish(request, id: int):
    return _full(services.publish(request.auth, _get(request, id)))


@router.get("/disclosures/{id}/check", response=_responses(DisclosureCheckOut), summary="核对已发布的公开与账簿是否一致")
def check(request, id: int):
    r = services.check_details(_get(request, id))
    return {"ok": r.ok, "explanation": r.explanation, "details": r.details}


class SettingsOut(Schema):
    county: str
    county_name: str
    frequency: str
    due_day: int
    answer_days: int
    saved: bool


class SettingsIn(Schema):
    frequency: str = Field(description="monthly 或 quarterly")
    due_day: int = Field(description="次月几日前公开（1—28）")
    answer_days: int = Field(description="提问答复期限（天，1—60）")


def _settings(s: DisclosureSettings, name: str) -> dict:
    return {"county": s.county_id, "county_name": name, "frequency": s.frequency, "due_day": s.due_day, "answer_days": s.answer_days, "saved": s.updated_at is not None}


@router.get("/disclosure-settings", response=list[SettingsOut], summary="管辖范围内各县的公开设置")
def settings_list(request):
    counties = county_regions(request.auth)
    return [_settings(services.settings_for(c.code), c.name) for c in counties]


@router.put("/disclosure-settings/{county}", response=_responses(SettingsOut), summary="修改本县的公开设置（县级监管）")
def settings_update(request, county: str, payload: SettingsIn):
    region = get_visible_or_404(Region, request.auth, code=county, level="county")
    s = services.update_settings(request.auth, region.code, payload.frequency, payload.due_day, payload.answer_days)
    return _settings(s, region.name)


# --- Inside: questions -------------------------------------------------------------------------


class QuestionOut(Schema):
    id: int
    village: str
    village_name: str
    township: str
    text: str
    asked_at: dt.datetime
    deadline: dt.date
    status: str
    overdue: bool
    has_contact: bool
    answer: str
    answered_at: dt.datetime | None
    public_text: str
    public_answer: str


class AnswerIn(Schema):
    answer: str


class StatsRow(Schema):
    county: str
    township_code: str
    township: str
    asked: int
    answered: int
    on_time: int
    open: int
    overdue: int
    rate: float | None = Field(description="答复率（%）")
    on_time_rate: float | None
    avg_days: float | None = Field(description="平均答复天数")


def _question(q: Question, text: str | None = None) -> dict:
    return {
        "id": q.pk, "village": q.village_id, "village_name": q.village.name, "township": q.township_code,
        "text": q.text if text is None else text,
        "asked_at": q.asked_at, "deadline": q.deadline, "status": q.status, "overdue": q.status == "open" and q.deadline < services.today(),
        "has_contact": bool(q.contact_masked), "answer": q.answer, "answered_at": q.answered_at,
        "public_text": q.public_text, "public_answer": q.public_answer,
    }


@router.get(
    "/questions", response=list[QuestionOut], summary="管辖范围内的群众提问（乡镇、县、市、审计）",
    description="state：open 待答复、overdue 逾期、answered 已答复、all 全部。列表中的 text 已将登记人员姓名脱敏；单个提问给出原文。",
)
def questions(request, state: str = "all", township: str | None = None, village: str | None = None, limit: page_limit(2000) = 200, offset: Offset = 0):
    qs = Question.objects.visible_to(request.auth).select_related("village")
    if state == "open":
        qs = qs.filter(status="open")
    elif state == "overdue":
        qs = qs.filter(status="open", deadline__lt=services.today())
    elif state == "answered":
        qs = qs.filter(status="answered")
    if township:
        qs = qs.filter(township_code=township)
    if village:
        qs = qs.filter(village_id=village)
    masked = MaskedText()
    return [_question(q, masked(q)) for q in qs.order_by("-asked_at", "-id")[offset : offset + limit]]


@router.get("/questions/stats", response=list[StatsRow], summary="各乡镇提问答复率与用时（最后一行为合计）")
def question_stats(request):
    return services.answer_stats(request.auth)


@router.get("/questions/{id}", response=_responses(QuestionOut), summary="一个群众提问")
def question(request, id: int):
    return _question(get_visible_or_404(Question, request.auth, pk=id))


@router.post("/questions/{id}/answer", response=_responses(QuestionOut), summary="答复并公开（乡镇监管；不能重复答复）")
def answer_question(request, id: int, payload: AnswerIn):
    q = get_visible_or_404(Question, request.auth, pk=id)
    return _question(services.answer(request.auth, q, payload.answer))


# --- Public, read-only: what the public village page shows ------------------------------------


class PublicBrief(Schema):
    id: int
    period: str
    label: str
    kind: str
    book: str
    income_fen: int
    expense_fen: int
    published_at: dt.datetime | None


class PublicDisclosure(PublicBrief):
    chain_head: str
    posted_count: int | None
    figures: FiguresOut
    check: DisclosureCheckOut


class PublicQuestion(Schema):
    id: int
    asked_on: dt.date
    question: str
    answer: str
    answered_on: dt.date
    on_time: bool


class PublicVillage(Schema):
    code: str
    name: str
    township: str
    county: str
    disclosures: list[PublicBrief]
    latest: PublicDisclosure | None
    questions: list[PublicQuestion]
    decisions: list[dict[str, Any]]


def _public_brief(x: dict) -> dict:
    return {
        "id": x["id"], "period": x["period"], "label": x["label"], "kind": x["kind"], "book": x["book"],
        "income_fen": x["income"], "expense_fen": x["expense"], "published_at": x["published_at"],
    }


def _public_disclosure(x: dict) -> dict:
    s = x["snapshot"]
    return {
        **_public_brief(x), "chain_head": x["chain_head"], "posted_count": x["posted_count"],
        "figures": _figures(s), "check": x["check"],
    }


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _found(value):
    if value is None:
        raise Http404("没有这个村")
    return value


@router.get("/public/villages/{code}", auth=None, response={200: PublicVillage, 404: Detail}, summary="公开：一个村的公开页（无需登录）")
def public_village(request, code: str):
    v = _found(services.public_village(code))
    return {
        "code": v["code"], "name": v["name"], "township": v["township"], "county": v["county"],
        "disclosures": [_public_brief(x) for x in v["disclosures"]],
        "latest": _public_disclosure(v["latest"]) if v["latest"] else None,
        "questions": v["questions"],
        "decisions": [{k: _jsonable(val) for k, val in m.items()} for m in v["decisions"]],
    }


@router.get("/public/villages/{code}/disclosures", auth=None, response={200: list[PublicBrief], 404: Detail}, summary="公开：已发布的财务公开")
def public_disclosures(request, code: str):
    return [_public_brief(x) for x in _found(services.public_disclosures(code))]


@router.get("/public/villages/{code}/disclosures/{id}", auth=None, response={200: PublicDisclosure, 404: Detail}, summary="公开：一期已发布的财务公开及与账簿的核对")
def public_disclosure(request, code: str, id: int):
    return _public_disclosure(_found(services.public_disclosure(code, id)))


@router.get("/public/villages/{code}/questions", auth=None, response={200: list[PublicQuestion], 404: Detail}, summary="公开：已答复的群众提问")
def public_questions(request, code: str):
    _found(services.public_village(code, details=False))
    return services.public_questions(code)


@router.get("/public/villages/{code}/decisions", auth=None, response={200: list[dict[str, Any]], 404: Detail}, summary="公开：已公开的四议两公开决议与结果")
def public_decisions(request, code: str):
    _found(services.public_village(code, details=False))
    return [{k: _jsonable(val) for k, val in m.items()} for m in services.public_decisions(code)]

