"""Collective-economy figures over HTTP (/api/v1/economy/…), behind the same scope gate as the
pages: a region outside the caller's scope answers 404. Money is integer fen in fields ending
`_fen`; percentages are decimal strings; classes use the glossary names (hollow, pv_only, weak,
general, strong). `GET /economy/report` answers exactly what `sanwu report economy` prints."""

import datetime as dt

from ninja import Field, Router, Schema

from sanwu.core.api_errors import file_responses, responses as _responses
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import CONTENT_TYPES, download
from sanwu.regions.models import Region

from . import services, tables
from .models import CadreReward
from .rules import Tier
from .services import Summary, VillageYear, ranked

router = Router(tags=["集体经济"])


# --- Output shapes ------------------------------------------------------------------------------


class VillageOut(Schema):
    code: str
    name: str
    township: str
    year: int
    operating_income_fen: int
    operating_return_fen: int
    total_income_fen: int
    pv_income_fen: int
    pv_share: str | None = Field(None, description="光伏收入占经营性收入（%），经营性收入为0时为空")
    subsidy_income_fen: int
    prev_operating_income_fen: int | None = Field(None, description="上年经营性收入；账簿不含上年时为空")
    operating_income_change_fen: int | None
    measure: str = Field(description="分类指标 operating_income / operating_return")
    measure_fen: int
    klass: str = Field(alias="class", description="hollow / pv_only / weak / general / strong")
    class_label: str
    tier: str = Field(description="达到的最高档次（如 100万），未达到为空")
    books: list[str]


class TierOut(Schema):
    threshold_fen: int
    label: str
    count: int
    target: int | None
    met: bool | None


class SummaryOut(Schema):
    year: int
    villages: int
    classes: dict[str, int]
    tiers: list[TierOut]
    operating_income_fen: int
    operating_return_fen: int
    total_income_fen: int
    pv_income_fen: int
    subsidy_income_fen: int
    average_operating_income_fen: int
    average_operating_return_fen: int
    top_code: str | None
    top_name: str | None
    top_measure_fen: int | None


class ChildOut(Schema):
    code: str
    name: str
    summary: SummaryOut


class OverviewOut(Schema):
    region: str
    region_name: str
    year: int
    summary: SummaryOut
    children: list[ChildOut]


class AwardOut(Schema):
    code: str
    name: str
    township: str
    year: int
    tier: str
    volume_award_fen: int
    volume_reason: str
    increment_award_fen: int
    increment_reason: str
    operating_income_change_fen: int | None
    cadre_reward_fen: int = Field(description="按规则（当前账簿）计算的村干部奖励")
    cadre_reason: str
    cadre_status: str = Field(description="none / no_resolution（待四议两公开决策）/ pending / approved / rejected / revoked")
    cadre_granted_fen: int = Field(description="已核准金额（核准时固定）")
    decision_id: int | None = Field(None, description="依据的四议两公开决策（GET /api/v1/decisions/{id}）；核准后为核准时依据的决策")
    decision_title: str = Field("", description="决策事项名称")
    resolution_date: dt.date | None = Field(None, description="该决策的决议公开日期")
    total_fen: int


class AwardEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    amount_fen: int
    note: str
    actor: str
    at: dt.datetime


class DecisionOut(Schema):
    village: str
    year: int
    status: str
    status_label: str
    operating_income_fen: int
    prev_operating_income_fen: int
    increase_fen: int
    amount_fen: int
    rate_bp: int
    cap_fen: int
    decision_id: int | None = Field(None, description="核准所依据的四议两公开决策")
    reason: str
    events: list[AwardEventOut]


class TableOut(Schema):
    title: str
    columns: list[dict]
    rows: list[dict]


class SentenceOut(Schema):
    key: str
    text: str
    table: TableOut


class BriefOut(Schema):
    title: str
    region: str
    year: int
    base_year: int | None
    text: str
    sentences: list[SentenceOut]


class TierIn(Schema):
    threshold_fen: int
    target: int
    volume_award_fen: int = 0


class SettingsIO(Schema):
    county: str | None = None
    measure: str = "operating_income"
    operating_roles: list[str]
    hollow_line_fen: int
    weak_line_fen: int
    strong_line_fen: int
    increment_step_fen: int
    increment_award_fen: int
    increment_cap_fen: int
    cadre_rate_bp: int
    cadre_cap_fen: int
    tiers: list[TierIn]


class AwardReasonIn(Schema):
    reason: str = ""


# --- Converters ------------------------------------------------------------------------------------


def _village(v: VillageYear) -> dict:
    return {
        "code": v.code, "name": v.name, "township": v.township_name, "year": v.year,
        "operating_income_fen": v.now.operating_income, "operating_return_fen": v.now.operating_return,
        "total_income_fen": v.now.total_income, "pv_income_fen": v.now.pv_income,
        "pv_share": str(v.pv_share) if v.pv_share is not None else None, "subsidy_income_fen": v.now.subsidy_income,
        "prev_operating_income_fen": v.prev.operating_income if v.prev else None,
        "operating_income_change_fen": v.operating_income_change, "measure": v.rules.measure, "measure_fen": v.measure,
        "class": v.cls, "class_label": v.class_label, "tier": v.tier_label, "books": v.books,
    }


def _summary(s: Summary) -> dict:
    return {
        "year": s.year, "villages": s.villages, "classes": s.classes,
        "tiers": [{"threshold_fen": t.threshold, "label": t.label, "count": t.count, "target": t.target, "met": t.met} for t in s.tiers],
        "operating_income_fen": s.operating_income, "operating_return_fen": s.operating_return, "total_income_fen": s.total_income,
        "pv_income_fen": s.pv_income, "subsidy_income_fen": s.subsidy_income,
        "average_operating_income_fen": s.average_operating_income, "average_operating_return_fen": s.average_operating_return,
        "top_code": s.top.code if s.top else None, "top_name": s.top.name if s.top else None, "top_measure_fen": s.top.measure if s.top else None,
    }


def _award(a: services.AwardRow) -> dict:
    r = a.row()
    return {
        "code": r["code"], "name": r["name"], "township": r["township"], "year": r["year"], "tier": r["tier"],
        "volume_award_fen": r["volume_award"], "volume_reason": r["volume_reason"], "increment_award_fen": r["increment_award"],
        "increment_reason": r["increment_reason"], "operating_income_change_fen": r["operating_income_change"],
        "cadre_reward_fen": r["cadre_reward"], "cadre_reason": r["cadre_reason"], "cadre_status": r["cadre_status"],
        "cadre_granted_fen": r["cadre_granted"], "decision_id": r["decision_id"], "decision_title": r["decision_title"],
        "resolution_date": r["resolution_date"], "total_fen": r["total"],
    }


def _decision(user, d: CadreReward) -> dict:
    return {
        "village": d.village_id, "year": d.year, "status": d.status, "status_label": d.get_status_display(),
        "operating_income_fen": d.operating_income, "prev_operating_income_fen": d.prev_operating_income, "increase_fen": d.increase,
        "amount_fen": d.amount, "rate_bp": d.rate_bp, "cap_fen": d.cap, "decision_id": d.matter_id, "reason": d.reason,
        "events": [
            {"action": e.action, "from_status": e.from_status, "to_status": e.to_status, "amount_fen": e.amount, "note": e.note, "actor": e.actor_name or "system", "at": e.at}
            for e in services.reward_events(user, d.village_id, d.year)
        ],
    }


def _region_year(user, region: str, year: int | None):
    r = services.region_for(user, region)
    y = services.check_year(year) if year is not None else services.default_year(user, r)
    return r, y


# --- Figures ---------------------------------------------------------------------------------------


@router.get("/economy/villages", response=_responses(list[VillageOut]), by_alias=True, summary="各村年度集体经济指标（按分类指标从高到低）")
def villages(request, region: str, year: int | None = None):
    r, y = _region_year(request.auth, region, year)
    return [_village(v) for v in ranked(services.village_years(request.auth, r, y))]


@router.get("/economy/report", **file_responses(CONTENT_TYPES.values()), summary="与 sanwu report economy 相同的表（csv/json/xlsx 文件，金额单位元）")
def report(request, region: str, year: int, format: str = "json"):
    if format not in CONTENT_TYPES:
        raise Invalid(Problem(f"不支持的格式「{format}」（可用 csv、json、xlsx）", field="format"))
    r, y = _region_year(request.auth, region, year)
    table = tables.report_table(services.village_years(request.auth, r, y, with_prev=False), f"{r.name}{y}年集体经济")
    return download(table, f"集体经济-{r.name}-{y}年", format)


@router.get("/economy/summary", response=_responses(OverviewOut), summary="一个区划一年的概况：各类村数、档次与目标、村均、最高村、下级对比")
def summary(request, region: str, year: int | None = None):
    r, y = _region_year(request.auth, region, year)
    ov = services.overview(request.auth, r, y)
    return {
        "region": r.code, "region_name": r.name, "year": y, "summary": _summary(ov.summary),
        "children": [{"code": c.code, "name": c.name, "summary": _summary(c.summary)} for c in ov.children],
    }


@router.get("/economy/trends", response=_responses(list[SummaryOut]), summary="历年概况（起止年份含两端）")
def trends(request, region: str, from_year: int, to_year: int):
    r = services.region_for(request.auth, region)
    a, b = services.check_year(from_year, "起始年"), services.check_year(to_year, "截止年")
    if a > b or b - a > 30:
        raise Invalid(Problem("起止年份无效（起始年不晚于截止年，最多30年）", field="year"))
    return [_summary(s) for s in services.trends(request.auth, r, list(range(a, b + 1)))]


# --- Incentives --------------------------------------------------------------------------------------


@router.get("/economy/awards", response=_responses(list[AwardOut]), summary="奖励名单：体量奖、增量奖、村干部奖励及核准状态")
def awards(request, region: str, year: int | None = None):
    r, y = _region_year(request.auth, region, year)
    return [_award(a) for a in services.award_rows(request.auth, r, y)]


@router.get("/economy/awards/{village}/{year}", response=_responses(DecisionOut), summary="一个村一年的村干部奖励核准及审核记录（未审核时为404）")
def award_decision(request, village: str, year: int):
    d = get_visible_or_404(CadreReward, request.auth, village_id=village, year=year)
    return _decision(request.auth, d)


@router.post("/economy/awards/{village}/{year}/{action}", response=_responses(DecisionOut), summary="乡镇核准（approve）、不予核准（reject），县级撤销（revoke）")
def award_action(request, village: str, year: int, action: str, payload: AwardReasonIn):
    get_visible_or_404(Region, request.auth, code=village, level="village")
    funcs = {"approve": services.approve_cadre_reward, "reject": services.reject_cadre_reward, "revoke": services.revoke_cadre_reward}
    if action not in funcs:
        raise Invalid(Problem(f"未知操作「{action}」（approve、reject、revoke）", field="action"))
    d = funcs[action](request.auth, village, year, payload.reason)
    return _decision(request.auth, d)


# --- Brief ------------------------------------------------------------------------------------------


@router.get("/economy/brief", response=_responses(BriefOut), summary="统计简报：句子及每句所依据的表（金额：句中万元，表中分）")
def brief(request, region: str, year: int, base_year: int | None = None):
    r = services.region_for(request.auth, region)
    b = services.brief.build(request.auth, r, year, base_year)
    return {
        "title": b.title, "region": b.region_code, "year": b.year, "base_year": b.base_year, "text": b.paragraph,
        "sentences": [
            {"key": p.key, "text": p.text, "table": {
                "title": p.table.title,
                "columns": [{"key": c.key, "label": c.label, "money_fen": c.money} for c in p.table.columns],
                "rows": [{c.key: _plain(row.get(c.key)) for c in p.table.columns} for row in p.table.rows],
            }}
            for p in b.parts
        ],
    }


def _plain(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


# --- County rules ------------------------------------------------------------------------------------


def _settings_out(s) -> dict:
    rules = services.rules_of(s)
    return {
        "county": s.county_id, "measure": rules.measure, "operating_roles": sorted(rules.operating_roles),
        "hollow_line_fen": rules.hollow_line, "weak_line_fen": rules.weak_line, "strong_line_fen": rules.strong_line,
        "increment_step_fen": rules.increment_step, "increment_award_fen": rules.increment_award, "increment_cap_fen": rules.increment_cap,
        "cadre_rate_bp": rules.cadre_rate_bp, "cadre_cap_fen": rules.cadre_cap,
        "tiers": [{"threshold_fen": t.threshold, "target": t.target, "volume_award_fen": t.volume_award} for t in rules.tiers],
    }


@router.get("/economy/settings/{county}", response=_responses(SettingsIO), summary="一个县的集体经济规则（首次读取时按默认值建立）")
def settings_get(request, county: str):
    c = get_visible_or_404(Region, request.auth, code=county, level="county")
    return _settings_out(services.settings_for(c.code))


@router.put("/economy/settings/{county}", response=_responses(SettingsIO), summary="修改一个县的集体经济规则（县级监管）")
def settings_put(request, county: str, payload: SettingsIO):
    c = get_visible_or_404(Region, request.auth, code=county, level="county")
    values = {
        "measure": payload.measure, "operating_roles": ",".join(payload.operating_roles),
        "hollow_line": payload.hollow_line_fen, "weak_line": payload.weak_line_fen, "strong_line": payload.strong_line_fen,
        "increment_step": payload.increment_step_fen, "increment_award": payload.increment_award_fen, "increment_cap": payload.increment_cap_fen,
        "cadre_rate_bp": payload.cadre_rate_bp, "cadre_cap": payload.cadre_cap_fen,
    }
    tiers = [Tier(t.threshold_fen, t.target, t.volume_award_fen) for t in payload.tiers]
    return _settings_out(services.update_settings(request.auth, c.code, values, tiers))

