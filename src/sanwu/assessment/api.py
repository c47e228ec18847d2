"""Analysis rounds, the difficult-villages list, rectification and assessments over HTTP
(/api/v1/). Thin: rows come through the scope gate (`NotFound` → 404 outside it), the services
decide (`Invalid` → 422 with Chinese messages, `Refused` → 403). Money is integer fen in fields
ending `_fen`; scores are decimal text ("92.50") so that no float ever carries one; dates are ISO.
The typical situations are shown for the counties `services.counties_offered` (a township's own
county too).

A township sees its own villages' ratings, list entries and rectifications, its own scores, rank
and consequences — never another township's. The county sees everything in the county.
"""

import datetime as dt

from django.db.models import Q
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from sanwu.core.api_errors import responses as _responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.codes import county_of, region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible
from sanwu.core.readers import read_upload
from sanwu.regions.models import Region

from . import imports, rules, services
from .models import (
    AnalysisRound,
    Assessment,
    Consequence,
    DifficultVillage,
    FollowUp,
    Rating,
    Rectification,
    Screening,
    TypicalSituation,
    Unit,
)

router = Router(tags=["研判、整顿与考核"])




def _within(qs, field: str, code: str | None):
    if code:
        qs = qs.filter(**{f"{field}__startswith": region_prefix(code) if len(code) == 12 and code.isdigit() else code})
    return qs


# --- Schemas -----------------------------------------------------------------------------------


class RegionRef(Schema):
    code: str
    name: str
    township: str | None = None


class RatingOut(Schema):
    village: RegionRef
    rating: str
    rating_label: str
    criteria: dict[str, str]
    findings: str


class FollowUpOut(Schema):
    id: int
    region: RegionRef
    title: str
    description: str
    deadline: dt.date
    task_id: int | None


class RoundOut(Schema):
    id: int
    county: str
    year: int
    number: int
    title: str
    held_on: dt.date
    criteria: list[str]
    summary: str
    status: str
    status_label: str


class RoundDetail(RoundOut):
    ratings: list[RatingOut]
    follow_ups: list[FollowUpOut]


class RoundIn(Schema):
    county: str = Field(description="县的12位区划代码")
    held_on: dt.date
    title: str = ""
    summary: str = ""


class RatingIn(Schema):
    rating: str = Field(description="good / fairly_good / average / weak（或 好 / 较好 / 一般 / 较差）")
    criteria: dict[str, str] = Field(default_factory=dict, description="研判内容 → 等次")
    findings: str = ""


class FollowUpIn(Schema):
    region: str = Field(description="涉及的乡镇或村（12位代码）")
    title: str
    deadline: dt.date
    description: str = ""


class ProposalOut(Schema):
    village: RegionRef
    rating: str | None
    listed: bool
    proposed: str
    choices: list[str]


class ReviewIn(Schema):
    decisions: dict[str, str] = Field(default_factory=dict, description="村代码 → listed / not_listed / kept / improved / removed（不填按建议）")
    notes: dict[str, str] = Field(default_factory=dict)


class ReviewOut(Schema):
    already: bool
    listed: int
    kept: int
    improved: int
    removed: int


class ReviewStep(Schema):
    round_id: int
    round: str
    held_on: dt.date
    outcome: str
    outcome_label: str
    rating: str
    note: str


class DifficultOut(Schema):
    id: int
    village: RegionRef
    status: str
    status_label: str
    listed_round: str
    removed_round: str | None
    problems: str
    leader: str
    members: list[str]
    task_id: int | None
    history: list[ReviewStep]


class TaskForceIn(Schema):
    leader: str
    members: list[str] = Field(description="专班成员，每项一人：姓名、单位")
    problems: str | None = None


class SituationOut(Schema):
    id: int
    number: int
    title: str
    description: str
    is_local: bool
    active: bool


class MeasureOut(Schema):
    date: dt.date
    text: str


class AcceptanceCheckOut(Schema):
    date: dt.date
    passed: bool
    result: str
    checked_by: str


class RectificationOut(Schema):
    id: int
    village: RegionRef
    year: int
    situations: list[SituationOut]
    causes: str
    plan: str
    county_leader: str
    township_lead: str
    first_secretary: str
    party_funds_fen: int
    project_funds_fen: int
    deadline: dt.date | None
    status: str
    status_label: str
    delisted_on: dt.date | None
    task_id: int | None
    measures: list[MeasureOut]
    checks: list[AcceptanceCheckOut]


class RectificationIn(Schema):
    causes: str | None = None
    plan: str | None = None
    county_leader: str | None = None
    township_lead: str | None = None
    first_secretary: str | None = None
    party_funds_fen: int | None = Field(None, description="党建经费（分）")
    project_funds_fen: int | None = Field(None, description="项目扶持资金（分）")
    deadline: dt.date | None = None


class ScreeningIn(Schema):
    village: str = Field(description="村的12位代码")
    year: int
    situations: list[int] = Field(default_factory=list, description="符合的典型情形序号（本县清单中的序号）")
    note: str = ""
    screened_on: dt.date | None = None


class ScreeningOut(Schema):
    village: RegionRef
    year: int
    screened_on: dt.date
    situations: list[int]
    note: str


class ScreenedOut(Schema):
    screening: ScreeningOut
    rectification: RectificationOut | None


class MeasureIn(Schema):
    date: dt.date
    text: str


class AcceptanceIn(Schema):
    date: dt.date
    passed: bool
    result: str
    checked_by: str


class IndicatorOut(Schema):
    key: str
    name: str
    weight: int


class AssessmentOut(Schema):
    id: int
    county: str
    year: int
    level: str
    title: str
    status: str
    status_label: str
    indicators: list[IndicatorOut]
    units: int
    whole: bool = Field(description="false：只能看到本单位的得分、名次和问责")


class AssessmentIn(Schema):
    county: str
    year: int
    level: str = "township"
    title: str = ""


class IndicatorIn(Schema):
    key: str
    name: str
    weight: int


class ScoreIn(Schema):
    region: str
    indicator: str
    value: str | int = Field(description="0–100，最多两位小数，用文字传递（\"92.5\"）或整数")


class ScoresIn(Schema):
    scores: list[ScoreIn]


class ScoresSaved(Schema):
    entries: int
    changed: int


class ImportedOut(ScoresSaved):
    rows: int


class StandingOut(Schema):
    region: RegionRef
    rank: int | None
    tied: bool
    of: int
    total: str | None
    scores: dict[str, str | None]
    ranks: dict[str, int | None]


class ConsequenceOut(Schema):
    id: int
    assessment_id: int
    year: int
    region: RegionRef
    rule: str
    rule_name: str
    target: str
    action: str
    bars_promotion: bool
    basis: str
    deadline: dt.date
    task_id: int | None
    task_title: str


class AppliedOut(Schema):
    created: int
    existing: int
    tasks: int
    notes: list[str]
    consequences: list[ConsequenceOut]


# --- Shapes ------------------------------------------------------------------------------------


def _ref(region) -> dict:
    parent = region.parent if region.parent_id and region.level == "village" else None
    return {"code": region.code, "name": region.name, "township": parent.name if parent else None}


def _round(r: AnalysisRound) -> dict:
    return {
        "id": r.pk, "county": r.county_id, "year": r.year, "number": r.number, "title": r.title, "held_on": r.held_on,
        "criteria": r.criteria, "summary": r.summary, "status": r.status, "status_label": r.get_status_display(),
    }


def _rating(r: Rating) -> dict:
    return {"village": _ref(r.village), "rating": r.rating, "rating_label": r.get_rating_display(), "criteria": r.criteria, "findings": r.findings}


def _follow_up(f: FollowUp) -> dict:
    return {"id": f.pk, "region": _ref(f.region), "title": f.title, "description": f.description, "deadline": f.deadline, "task_id": f.task_id}


def _round_detail(user, r: AnalysisRound) -> dict:
    ratings = Rating.objects.visible_to(user).filter(round=r).select_related("village__parent").order_by("village_id")
    follow_ups = FollowUp.objects.visible_to(user).filter(round=r).select_related("region__parent")
    return {**_round(r), "ratings": [_rating(x) for x in ratings], "follow_ups": [_follow_up(f) for f in follow_ups]}


def _difficult(e: DifficultVillage) -> dict:
    return {
        "id": e.pk, "village": _ref(e.village), "status": e.status, "status_label": e.get_status_display(),
        "listed_round": e.listed_round.title, "removed_round": e.removed_round.title if e.removed_round_id else None,
        "problems": e.problems, "leader": e.leader, "members": [m for m in e.members.splitlines() if m.strip()], "task_id": e.task_id,
        "history": [
            {"round_id": x.round_id, "round": x.round.title, "held_on": x.round.held_on, "outcome": x.outcome,
             "outcome_label": x.get_outcome_display(), "rating": x.rating, "note": x.note}
            for x in e.reviews.select_related("round").order_by("round__held_on", "id")
        ],
    }


def _situation(s: TypicalSituation) -> dict:
    return {"id": s.pk, "number": s.number, "title": s.title, "description": s.description, "is_local": s.is_local, "active": s.active}


def _case(c: Rectification) -> dict:
    return {
        "id": c.pk, "village": _ref(c.village), "year": c.year, "situations": [_situation(s) for s in c.situations.order_by("number")],
        "causes": c.causes, "plan": c.plan, "county_leader": c.county_leader, "township_lead": c.township_lead,
        "first_secretary": c.first_secretary, "party_funds_fen": c.party_funds_fen, "project_funds_fen": c.project_funds_fen,
        "deadline": c.deadline, "status": c.status, "status_label": c.get_status_display(), "delisted_on": c.delisted_on,
        "task_id": c.task_id, "measures": [{"date": m.date, "text": m.text} for m in c.measures.order_by("date", "id")],
        "checks": [{"date": k.date, "passed": k.passed, "result": k.result, "checked_by": k.checked_by} for k in c.checks.order_by("date", "id")],
    }


def _screening(s: Screening) -> dict:
    return {"village": _ref(s.village), "year": s.year, "screened_on": s.screened_on, "situations": sorted(s.situations.values_list("number", flat=True)), "note": s.note}


def _assessment(a: Assessment, whole: bool) -> dict:
    return {
        "id": a.pk, "county": a.county_id, "year": a.year, "level": a.level, "title": a.title, "status": a.status,
        "status_label": a.get_status_display(), "indicators": [{"key": i.key, "name": i.name, "weight": i.weight} for i in a.indicators.all()],
        "units": a.units.count(), "whole": whole,
    }


def _consequence(c: Consequence) -> dict:
    return {
        "id": c.pk, "assessment_id": c.assessment_id, "year": c.assessment.year, "region": _ref(c.unit.region), "rule": c.rule_key,
        "rule_name": c.rule_name, "target": c.target, "action": c.action, "bars_promotion": c.bars_promotion, "basis": c.basis,
        "deadline": c.deadline, "task_id": c.task_id, "task_title": c.task_title,
    }


# --- Analysis rounds ---------------------------------------------------------------------------


@router.get("/analysis-rounds", response=list[RoundOut], summary="班子运行分析研判（县组织的各轮）",
            description="乡镇用户看到本县的各轮研判，其中只有本乡镇各村的结果。county：县代码；year：年度。")
def round_list(request, county: str | None = None, year: int | None = None, limit: page_limit(2000) = 200, offset: Offset = 0):
    qs = services.rounds_visible(request.auth)
    if county:
        qs = qs.filter(county_id=county)
    if year:
        qs = qs.filter(year=year)
    return [_round(r) for r in qs.order_by("-year", "-number", "county_id")[offset : offset + limit]]


@router.post("/analysis-rounds", response=_responses(RoundDetail, 201), summary="组织新一轮研判（县委组织部）")
def round_create(request, payload: RoundIn):
    r = services.create_round(request.auth, payload.county, payload.held_on, title=payload.title, summary=payload.summary)
    return Status(201, _round_detail(request.auth, r))


@router.get("/analysis-rounds/{id}", response=_responses(RoundDetail), summary="一轮研判：各村等次与后续任务（只含本人管辖的村）")
def round_detail(request, id: int):
    r, _ = services.round_for(request.auth, id)
    return _round_detail(request.auth, r)


@router.put("/analysis-rounds/{id}/ratings/{village}", response=_responses(RatingOut), summary="研判一个村（县、本乡镇）")
def round_rate(request, id: int, village: str, payload: RatingIn):
    r, _ = services.round_for(request.auth, id)
    get_visible(Region, request.auth, code=village)
    rating = services.rate_village(request.auth, r, village, payload.rating, criteria=payload.criteria, findings=payload.findings)
    return _rating(Rating.objects.select_related("village__parent").get(pk=rating.pk))


@router.post("/analysis-rounds/{id}/follow-ups", response=_responses(FollowUpOut, 201), summary="布置研判后续任务（列入重点工作台账）")
def round_follow_up(request, id: int, payload: FollowUpIn):
    r = get_visible(AnalysisRound, request.auth, pk=id)
    f = services.add_follow_up(request.auth, r, payload.region, payload.title, payload.deadline, payload.description)
    return Status(201, _follow_up(f))


@router.get("/analysis-rounds/{id}/review", response=_responses(list[ProposalOut]), summary="本轮对重点难点村清单的建议")
def round_review_proposals(request, id: int):
    r = get_visible(AnalysisRound, request.auth, pk=id)
    return [
        {"village": _ref(p.village), "rating": p.rating, "listed": p.entry is not None, "proposed": p.outcome, "choices": list(p.choices)}
        for p in services.review_proposals(r)
    ]


@router.post("/analysis-rounds/{id}/review", response=_responses(ReviewOut), summary="复核重点难点村清单（每轮一次，重复调用不变）")
def round_review(request, id: int, payload: ReviewIn):
    r = get_visible(AnalysisRound, request.auth, pk=id)
    return services.review_round(request.auth, r, payload.decisions, payload.notes)


# --- The difficult-villages list ---------------------------------------------------------------


@router.get("/difficult-villages", response=list[DifficultOut], summary="重点难点村清单（含历次复核）",
            description="status：listed（在册，默认）、removed（已销号）、all；within：区划代码（县、乡镇）。")
def difficult_list(request, status: str = "listed", within: str | None = None, limit: page_limit(2000) = 500, offset: Offset = 0):
    qs = DifficultVillage.objects.visible_to(request.auth).select_related("village__parent", "listed_round", "removed_round")
    if status in ("listed", "removed"):
        qs = qs.filter(status=status)
    elif status != "all":
        raise Invalid(Problem(f"状态「{status}」无效（listed、removed、all）", field="status"))
    qs = _within(qs, "village__code", within)
    return [_difficult(e) for e in qs.order_by("village_id", "-id")[offset : offset + limit]]


class ListImportedOut(Schema):
    listed: int = Field(description="新列入的村")
    updated: int = Field(description="有修改的村")
    unchanged: int = Field(description="未变化的行")


class CaseImportedOut(ListImportedOut):
    measures: int = Field(description="新记录的整顿措施")


@router.post("/difficult-villages/import", response=_responses(ListImportedOut), summary="从 CSV/XLSX 导入重点难点村清单（逐行逐列报错，全部或全不）",
             description="county：县的12位代码。列与清单导出相同；已在清单的村更新主要问题和专班，不在清单的村按“列入轮次”列入；空白单元格不修改。")
def difficult_import(request, county: str, file: UploadedFile = File(...)):
    return imports.import_difficult(request.auth, county, *read_upload(file))


@router.get("/difficult-villages/{id}", response=_responses(DifficultOut), summary="清单上的一个村")
def difficult_detail(request, id: int):
    return _difficult(get_visible(DifficultVillage, request.auth, pk=id))


@router.put("/difficult-villages/{id}/task-force", response=_responses(DifficultOut), summary="安排专班（负责领导、成员）")
def difficult_task_force(request, id: int, payload: TaskForceIn):
    e = get_visible(DifficultVillage, request.auth, pk=id)
    e = services.assign_task_force(request.auth, e, leader=payload.leader, members="\n".join(payload.members), problems_text=payload.problems)
    return _difficult(e)


# --- Rectification -----------------------------------------------------------------------------


@router.get("/typical-situations", response=_responses(list[SituationOut]), summary="本县软弱涣散村党组织典型情形")
def situations(request, county: str):
    region = services.county_offered(request.auth, county)
    return [_situation(s) for s in services.situations_of(region.code, active_only=False)]


@router.get("/rectifications", response=list[RectificationOut], summary="软弱涣散村党组织整顿台账",
            description="status：listed（整顿中，默认）、delisted（验收销号）、all；year：列入年度；within：区划代码。")
def rectification_list(request, status: str = "listed", year: int | None = None, within: str | None = None, limit: page_limit(2000) = 500, offset: Offset = 0):
    qs = Rectification.objects.visible_to(request.auth).select_related("village__parent")
    if status in ("listed", "delisted"):
        qs = qs.filter(status=status)
    elif status != "all":
        raise Invalid(Problem(f"状态「{status}」无效（listed、delisted、all）", field="status"))
    if year:
        qs = qs.filter(year=year)
    qs = _within(qs, "village__code", within)
    return [_case(c) for c in qs.order_by("-year", "village_id")[offset : offset + limit]]


@router.get("/rectifications/screenings", response=list[ScreeningOut], summary="年度排查结果")
def screening_list(request, year: int, within: str | None = None):
    qs = _within(Screening.objects.visible_to(request.auth).filter(year=year).select_related("village__parent"), "village__code", within)
    return [_screening(s) for s in qs.order_by("village_id")]


@router.post("/rectifications/screenings", response=_responses(ScreenedOut), summary="排查一个村（符合典型情形即列入整顿）")
def screening_save(request, payload: ScreeningIn):
    village = get_visible(Region, request.auth, code=payload.village, level="village")
    county = county_of(village.code)
    by_number = {s.number: s.pk for s in services.situations_of(county, active_only=False)}
    unknown = [n for n in payload.situations if n not in by_number]
    if unknown:
        raise Invalid(Problem(f"本县没有序号为 {'、'.join(map(str, unknown))} 的典型情形", field="situations"))
    screening, case = services.screen_village(
        request.auth, payload.year, village.code, [by_number[n] for n in payload.situations], payload.note, payload.screened_on,
    )
    return {"screening": _screening(screening), "rectification": _case(case) if case else None}


@router.post("/rectifications/import", response=_responses(CaseImportedOut), summary="从 CSV/XLSX 导入整顿台账（逐行逐列报错，全部或全不）",
             description="county：县的12位代码。列与台账导出相同；正在整顿的村更新台账并补记新的整顿措施，不在台账的村按列入年度和存在问题列入；空白单元格不修改。")
def rectification_import(request, county: str, file: UploadedFile = File(...)):
    return imports.import_rectifications(request.auth, county, *read_upload(file))


@router.get("/rectifications/{id}", response=_responses(RectificationOut), summary="一个整顿对象的台账")
def rectification_detail(request, id: int):
    return _case(get_visible(Rectification, request.auth, pk=id))


@router.patch("/rectifications/{id}", response=_responses(RectificationOut), summary="修改原因、方案、联系领导、第一书记、经费、时限")
def rectification_update(request, id: int, payload: RectificationIn):
    c = get_visible(Rectification, request.auth, pk=id)
    values = payload.dict(exclude_unset=True)
    return _case(services.update_rectification(request.auth, c, **values))


@router.post("/rectifications/{id}/measures", response=_responses(RectificationOut, 201), summary="记录整顿措施")
def rectification_measure(request, id: int, payload: MeasureIn):
    c = get_visible(Rectification, request.auth, pk=id)
    services.add_measure(request.auth, c, payload.date, payload.text)
    return Status(201, _case(Rectification.objects.get(pk=c.pk)))


@router.post("/rectifications/{id}/acceptance", response=_responses(RectificationOut, 201), summary="验收（通过即销号，这是唯一的销号方式）")
def rectification_acceptance(request, id: int, payload: AcceptanceIn):
    c = get_visible(Rectification, request.auth, pk=id)
    services.record_acceptance(request.auth, c, date=payload.date, passed=payload.passed, result=payload.result, checked_by=payload.checked_by)
    return Status(201, _case(Rectification.objects.get(pk=c.pk)))


# --- Assessments -------------------------------------------------------------------------------


@router.get("/assessments", response=list[AssessmentOut], summary="年度考核", description="乡镇、村用户只看到本单位参加的考核。")
def assessment_list(request, county: str | None = None, year: int | None = None):
    user = request.auth
    direct = set(Assessment.objects.visible_to(user).values_list("pk", flat=True))
    via = Unit.objects.visible_to(user).values("assessment")
    qs = Assessment.objects.filter(Q(pk__in=direct) | Q(pk__in=via))
    if county:
        qs = qs.filter(county_id=county)
    if year:
        qs = qs.filter(year=year)
    return [_assessment(a, a.pk in direct) for a in qs.order_by("-year", "county_id", "level")]


@router.post("/assessments", response=_responses(AssessmentOut, 201), summary="组织年度考核（指标取自本县设置）")
def assessment_create(request, payload: AssessmentIn):
    a = services.create_assessment(request.auth, payload.county, payload.year, payload.level, payload.title)
    return Status(201, _assessment(a, True))


@router.get("/assessments/{id}", response=_responses(AssessmentOut), summary="一次考核")
def assessment_detail(request, id: int):
    a, whole = services.assessment_for(request.auth, id)
    return _assessment(a, whole)


@router.put("/assessments/{id}/indicators", response=_responses(AssessmentOut), summary="修改指标与权重（评分中；权重合计100）")
def assessment_indicators(request, id: int, payload: list[IndicatorIn]):
    a = get_visible(Assessment, request.auth, pk=id)
    services.set_indicators(request.auth, a, [(i.key, i.name, i.weight) for i in payload])
    return _assessment(Assessment.objects.get(pk=a.pk), True)


def _standings(user, a: Assessment) -> list[dict]:
    visible = set(Unit.objects.visible_to(user).filter(assessment=a).values_list("pk", flat=True))
    return [
        {
            "region": _ref(s.region), "rank": s.place.rank, "tied": s.place.tied, "of": s.place.of, "total": s.total_text or None,
            "scores": {k: (rules.format_score(v) if v is not None else None) for k, v in s.scores.items()},
            "ranks": {k: p.rank for k, p in s.places.items()},
        }
        for s in services.standings(a)
        if s.unit.pk in visible
    ]


@router.get("/assessments/{id}/ranking", response=_responses(list[StandingOut]), summary="排名（名次相同者并列；只含本人可见的考核对象）")
def assessment_ranking(request, id: int):
    a, _ = services.assessment_for(request.auth, id)
    return _standings(request.auth, a)


@router.put("/assessments/{id}/scores", response=_responses(ScoresSaved), summary="录入得分（全部成功或全部不录入）")
def assessment_scores(request, id: int, payload: ScoresIn):
    a = get_visible(Assessment, request.auth, pk=id)
    return services.set_scores(request.auth, a, [services.ScoreEntry(s.region, s.indicator, s.value) for s in payload.scores])


@router.post("/assessments/{id}/scores/import", response=_responses(ImportedOut), summary="从 CSV/XLSX 导入得分（逐行逐列报错，全部或全不）")
def assessment_import(request, id: int, file: UploadedFile = File(...)):
    a = get_visible(Assessment, request.auth, pk=id)
    data = file.read(imports.MAX_BYTES + 1)
    return imports.import_scores(request.auth, a, data, file.name or "scores.xlsx")


@router.post("/assessments/{id}/finalize", response=_responses(AssessmentOut), summary="定稿（得分锁定）")
def assessment_finalize(request, id: int):
    a = get_visible(Assessment, request.auth, pk=id)
    return _assessment(services.finalize(request.auth, a), True)


def _consequences(user, **filters):
    return Consequence.objects.visible_to(user).filter(**filters).select_related("assessment", "unit__region__parent").order_by("assessment__year", "id")


@router.post("/assessments/{id}/consequences", response=_responses(AppliedOut), summary="落实考核问责（按本县规则；重复调用不重复认定）")
def assessment_apply(request, id: int):
    a = get_visible(Assessment, request.auth, pk=id)
    done = services.apply_consequences(request.auth, a)
    return {
        "created": len(done.created), "existing": len(done.existing), "tasks": done.tasks, "notes": done.notes,
        "consequences": [_consequence(c) for c in _consequences(request.auth, assessment=a)],
    }


@router.get("/assessments/{id}/consequences", response=_responses(list[ConsequenceOut]), summary="一次考核的问责（只含本人可见的）")
def assessment_consequences(request, id: int):
    a, _ = services.assessment_for(request.auth, id)
    return [_consequence(c) for c in _consequences(request.auth, assessment=a)]


@router.get("/assessment-consequences", response=list[ConsequenceOut], summary="管辖范围内的全部考核问责")
def consequence_list(request, year: int | None = None):
    filters = {"assessment__year": year} if year else {}
    return [_consequence(c) for c in _consequences(request.auth, **filters)]
