"""Domain logic of team analysis rounds and the difficult-villages list, rectification of weak and
lax village Party organisations, and assessments with their consequences.

Every function takes the acting `user` (None = the system operator: CLI, demo) and checks it
against the regions concerned; problems are raised as `Invalid` in Chinese, refusals as `Refused`
(written to the audit trail). State changes run in one transaction holding the row lock, write a
`History` row and the audit trail. The web pages, the API, the importer and the CLI call these.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sanwu.core import audit
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.gate import refuse
from sanwu.core.money import format_yuan
from sanwu.core.scope import can_write
from sanwu.regions.models import Region

from . import defaults, rules
from .models import (
    AcceptanceCheck,
    AnalysisRound,
    Assessment,
    Consequence,
    ConsequenceRule,
    CountySettings,
    DifficultReview,
    DifficultVillage,
    FollowUp,
    History,
    Indicator,
    IndicatorDefault,
    Measure,
    Rating,
    Rectification,
    Score,
    Screening,
    TypicalSituation,
    Unit,
)
from .tasks import assign_ledger_task

# Who may do what (a role bound to a region covering the object; never the read-only auditor).
MANAGE_ROLES = frozenset({"county_supervisor", "city_admin"})  # the county organisation department
RATE_ROLES = MANAGE_ROLES | {"township_supervisor"}  # townships rate their own villages in a round
MEASURE_ROLES = MANAGE_ROLES | {"township_supervisor"}  # townships record rectification measures

MAX_TEXT = 2000


def today() -> dt.date:
    return timezone.localdate()


def county_code_of(code: str) -> str:
    return code[:6] + "000000"


def _require(user, region_code: str, roles, what: str, object_type: str, object_id="") -> None:
    """The system operator may; otherwise one of `roles` must cover `region_code`."""
    if user is None or can_write(user, region_code, set(roles)):
        return
    refuse(user, object_type, object_id, region_code)
    raise Refused(f"无权{what}")


def _history(kind: str, obj, region_code: str, action: str, user, note: str = "") -> History:
    return History.objects.create(
        kind=kind, object_id=obj.pk, region_code=region_code, action=action, note=note[:MAX_TEXT], actor=user if getattr(user, "pk", None) else None
    )


def _county(code: str, field_name: str = "county") -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or region.level != "county":
        raise Invalid(Problem(f"「{code}」不是已登记的县（区、市）", field=field_name))
    return region


def _text(value, label: str, field_name: str, problems: list[Problem], *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        problems.append(Problem(f"{label}不能为空", field=field_name))
    elif len(text) > max_length:
        problems.append(Problem(f"{label}不能超过{max_length}个字", field=field_name))
    return text


def _year(year, problems: list[Problem]) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(Problem(f"年度「{year}」无效（2000–2100）", field="year"))
        return 0
    return year


# --- County settings ---------------------------------------------------------------------------


def ensure_county_settings(county_code: str) -> CountySettings:
    """The county's settings rows, created from the seed's defaults the first time."""
    county = _county(county_code)
    existing = CountySettings.objects.filter(county=county).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        settings_row, created = CountySettings.objects.get_or_create(
            county=county,
            defaults={
                "party_funds_fen": defaults.PARTY_FUNDS_FEN,
                "project_funds_min_fen": defaults.PROJECT_FUNDS_MIN_FEN,
                "project_funds_max_fen": defaults.PROJECT_FUNDS_MAX_FEN,
                "analysis_criteria": list(defaults.ANALYSIS_CRITERIA),
            },
        )
        if not created:
            return settings_row
        if not TypicalSituation.objects.filter(county=county).exists():
            TypicalSituation.objects.bulk_create(
                TypicalSituation(county=county, number=n, title=t, description=d, is_local=local)
                for n, t, d, local in defaults.TYPICAL_SITUATIONS
            )
        if not IndicatorDefault.objects.filter(county=county).exists():
            IndicatorDefault.objects.bulk_create(
                IndicatorDefault(county=county, key=k, name=n, weight=w, order=i) for i, (k, n, w) in enumerate(defaults.INDICATORS)
            )
        if not ConsequenceRule.objects.filter(county=county).exists():
            ConsequenceRule.objects.bulk_create(ConsequenceRule(county=county, order=i, **r) for i, r in enumerate(defaults.CONSEQUENCE_RULES))
        audit.record("assessment.settings.defaults", settings_row, region_code=county.code, new={"from": "seed"})
    return settings_row


def save_policy(user, county_code: str, *, party_funds_fen: int, project_funds_min_fen: int, project_funds_max_fen: int, criteria: list[str]) -> CountySettings:
    _county(county_code)
    _require(user, county_code, MANAGE_ROLES, "修改本县设置", "assessment.countysettings", county_code)
    row = ensure_county_settings(county_code)
    problems = []
    for name, value, label in (
        ("party_funds", party_funds_fen, "每村党建经费"),
        ("project_funds_min", project_funds_min_fen, "项目扶持资金下限"),
        ("project_funds_max", project_funds_max_fen, "项目扶持资金上限"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(Problem(f"{label}应为不小于0的金额", field=name))
    if not problems and project_funds_min_fen > project_funds_max_fen:
        problems.append(Problem("项目扶持资金下限不能高于上限", field="project_funds_min"))
    criteria = [c.strip() for c in criteria if c and c.strip()]
    if not criteria:
        problems.append(Problem("研判内容至少一项", field="criteria"))
    elif len(set(criteria)) != len(criteria):
        problems.append(Problem("研判内容有重复", field="criteria"))
    elif any(len(c) > 30 for c in criteria):
        problems.append(Problem("每项研判内容不超过30个字", field="criteria"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        row = CountySettings.objects.select_for_update().get(pk=row.pk)
        fields = ["party_funds_fen", "project_funds_min_fen", "project_funds_max_fen", "analysis_criteria"]
        old = audit.snapshot(row, fields)
        row.party_funds_fen, row.project_funds_min_fen, row.project_funds_max_fen = party_funds_fen, project_funds_min_fen, project_funds_max_fen
        row.analysis_criteria = criteria
        row.save(update_fields=fields)
        audit.record("assessment.settings.update", row, actor=user, old=old, new=audit.snapshot(row, fields), region_code=county_code)
    return row


def save_situation(user, county_code: str, *, title: str, description: str = "", active: bool = True, is_local: bool = True, situation: TypicalSituation | None = None) -> TypicalSituation:
    """Add a typical situation to the county's list (numbered after the last), or edit one."""
    _county(county_code)
    _require(user, county_code, MANAGE_ROLES, "修改软弱涣散典型情形", "assessment.typicalsituation", situation.pk if situation else "")
    ensure_county_settings(county_code)
    problems: list[Problem] = []
    title = _text(title, "情形", "title", problems, required=True, max_length=100)
    description = _text(description, "说明", "description", problems)
    if situation is not None and situation.county_id != county_code:
        problems.append(Problem("该情形不属于本县", field="situation"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if situation is None:
            last = TypicalSituation.objects.select_for_update().filter(county_id=county_code).aggregate(n=Max("number"))["n"] or 0
            situation = TypicalSituation.objects.create(county_id=county_code, number=last + 1, title=title, description=description, is_local=is_local, active=active)
            audit.record("assessment.situation.create", situation, actor=user, new=audit.snapshot(situation), region_code=county_code)
        else:
            situation = TypicalSituation.objects.select_for_update().get(pk=situation.pk)
            fields = ["title", "description", "active", "is_local"]
            old = audit.snapshot(situation, fields)
            situation.title, situation.description, situation.active, situation.is_local = title, description, active, is_local
            situation.save(update_fields=fields)
            audit.record("assessment.situation.update", situation, actor=user, old=old, new=audit.snapshot(situation, fields), region_code=county_code)
    return situation


def save_indicator_defaults(user, county_code: str, rows: list[tuple[str, str, int]]) -> list[IndicatorDefault]:
    """Replace the indicators and weights the county's new assessments start from."""
    _county(county_code)
    _require(user, county_code, MANAGE_ROLES, "修改考核指标", "assessment.indicatordefault")
    ensure_county_settings(county_code)
    problems = [Problem(m, field=f) for f, m in rules.weight_problems(rows)]
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        old = list(IndicatorDefault.objects.select_for_update().filter(county_id=county_code).values_list("key", "name", "weight"))
        IndicatorDefault.objects.filter(county_id=county_code).delete()
        made = IndicatorDefault.objects.bulk_create(
            IndicatorDefault(county_id=county_code, key=k, name=n, weight=w, order=i) for i, (k, n, w) in enumerate(rows)
        )
        audit.record("assessment.indicators.defaults", object_type="assessment.indicatordefault", object_id=county_code, actor=user, old={"rows": old}, new={"rows": rows}, region_code=county_code)
    return made


RULE_FIELDS = ["name", "level", "indicator_key", "bottom_n", "years", "target", "action", "bars_promotion", "deadline_days", "active"]


def save_rule(user, county_code: str, key: str, **values) -> ConsequenceRule:
    """Add or change one of the county's consequence rules (`RULE_FIELDS`)."""
    _county(county_code)
    _require(user, county_code, MANAGE_ROLES, "修改考核问责规则", "assessment.consequencerule", key)
    ensure_county_settings(county_code)
    rule = ConsequenceRule.objects.filter(county_id=county_code, key=key).first()
    current = {f: getattr(rule, f) for f in RULE_FIELDS} if rule else {"level": "township", "indicator_key": "", "bottom_n": 1, "years": 1, "bars_promotion": False, "deadline_days": 30, "active": True}
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise Invalid(Problem(f"未知字段：{'、'.join(sorted(unknown))}", field="rule"))
    data = {**current, **values}
    problems: list[Problem] = []
    if not key or len(key) > 40 or not key.replace("_", "").isalnum() or not key.isascii():
        problems.append(Problem("规则代码应为字母、数字或下划线（不超过40个字符）", field="key"))
    data["name"] = _text(data.get("name"), "规则名称", "name", problems, required=True, max_length=60)
    data["target"] = _text(data.get("target"), "对象", "target", problems, required=True, max_length=60)
    data["action"] = _text(data.get("action"), "处理", "action", problems, required=True, max_length=100)
    if data["level"] not in ("township", "village"):
        problems.append(Problem("考核对象应为 township（乡镇）或 village（村）", field="level"))
    keys = set(IndicatorDefault.objects.filter(county_id=county_code).values_list("key", flat=True))
    if data["indicator_key"] and data["indicator_key"] not in keys:
        problems.append(Problem(f"依据指标「{data['indicator_key']}」不在本县考核指标中（留空表示综合得分）", field="indicator_key"))
    for name, low, high, label in (("bottom_n", 1, 50, "后N位"), ("years", 1, 5, "连续年数"), ("deadline_days", 1, 365, "落实期限（天）")):
        v = data[name]
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            problems.append(Problem(f"{label}应为{low}到{high}的整数", field=name))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if rule is None:
            last = ConsequenceRule.objects.filter(county_id=county_code).aggregate(n=Max("order"))["n"]
            rule = ConsequenceRule.objects.create(county_id=county_code, key=key, order=(last or 0) + 1, **data)
            audit.record("assessment.rule.create", rule, actor=user, new=data, region_code=county_code)
        else:
            rule = ConsequenceRule.objects.select_for_update().get(pk=rule.pk)
            old = audit.snapshot(rule, RULE_FIELDS)
            for f in RULE_FIELDS:
                setattr(rule, f, data[f])
            rule.save(update_fields=RULE_FIELDS)
            audit.record("assessment.rule.update", rule, actor=user, old=old, new=data, region_code=county_code)
    return rule


# --- Team analysis rounds ----------------------------------------------------------------------


def create_round(user, county_code: str, held_on: dt.date, *, year: int | None = None, title: str = "", summary: str = "") -> AnalysisRound:
    """Open the county's next analysis round of the year (numbered 1, 2, …)."""
    county = _county(county_code)
    _require(user, county.code, MANAGE_ROLES, "组织班子运行分析研判", "assessment.analysisround")
    settings_row = ensure_county_settings(county.code)
    problems: list[Problem] = []
    if not isinstance(held_on, dt.date):
        problems.append(Problem("研判日期无效", field="held_on"))
    year = _year(year if year is not None else getattr(held_on, "year", 0), problems)
    title = _text(title, "名称", "title", problems, max_length=60)
    summary = _text(summary, "总体情况", "summary", problems)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        CountySettings.objects.select_for_update().get(pk=settings_row.pk)  # one numbering at a time
        number = (AnalysisRound.objects.filter(county=county, year=year).aggregate(n=Max("number"))["n"] or 0) + 1
        title = title or f"{year}年第{number}轮"
        if AnalysisRound.objects.filter(county=county, year=year, title=title).exists():
            raise Invalid(Problem(f"本年度已有名为「{title}」的研判", field="title"))
        rnd = AnalysisRound.objects.create(
            county=county, year=year, number=number, title=title, held_on=held_on, summary=summary,
            criteria=list(settings_row.analysis_criteria), created_by=user if getattr(user, "pk", None) else None,
        )
        _history("round", rnd, county.code, "created", user, f"{title}（{held_on:%Y-%m-%d}）")
        audit.record("assessment.round.create", rnd, actor=user, new={"title": title, "held_on": held_on, "year": year}, region_code=county.code)
    return rnd


def round_villages(rnd: AnalysisRound):
    """Every village of the round's county (a round covers them all)."""
    return Region.objects.filter(level="village", code__startswith=region_prefix(rnd.county_id)).order_by("code")


def _rating_key(value: str) -> str | None:
    value = (value or "").strip()
    if value in rules.RATINGS:
        return value
    return rules.RATING_NAMES.get(value)


def rate_village(user, rnd: AnalysisRound, village_code: str, rating: str, *, criteria: dict | None = None, findings: str = "") -> Rating:
    """Record (or change) one village's rating in an open round."""
    problems: list[Problem] = []
    village = Region.objects.filter(code=village_code, level="village").first()
    if village is None or not village_code.startswith(region_prefix(rnd.county_id)):
        raise Invalid(Problem(f"「{village_code}」不是本县的村", field="village"))
    _require(user, village.code, RATE_ROLES, f"研判{village.name}", "assessment.rating", village.code)
    key = _rating_key(rating)
    if key is None:
        problems.append(Problem(f"研判等次「{rating}」无效（好、较好、一般、较差）", field="rating"))
    parts = {}
    for name, value in (criteria or {}).items():
        if name not in rnd.criteria:
            problems.append(Problem(f"研判内容「{name}」不在本轮研判内容中", field="criteria"))
            continue
        if value in (None, ""):
            continue
        k = _rating_key(value)
        if k is None:
            problems.append(Problem(f"「{name}」的等次「{value}」无效（好、较好、一般、较差）", field="criteria"))
        else:
            parts[name] = k
    findings = _text(findings, "主要问题", "findings", problems)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        rnd = AnalysisRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status != "open":
            raise Invalid(Problem(f"「{rnd.title}」已复核重点难点村清单，研判结果不能再修改", field="round"))
        row = Rating.objects.filter(round=rnd, village=village).first()
        old = audit.snapshot(row, ["rating", "criteria", "findings"]) if row else None
        if row is None:
            row = Rating(round=rnd, village=village)
        row.rating, row.criteria, row.findings = key, parts, findings
        row.rated_by = user if getattr(user, "pk", None) else None
        row.save()
        audit.record("assessment.round.rate", row, actor=user, old=old, new={"rating": key, "criteria": parts, "findings": findings}, region_code=village.code)
    return row


def add_follow_up(user, rnd: AnalysisRound, region_code: str, title: str, deadline: dt.date, description: str = "") -> FollowUp:
    """A follow-up task decided at the round; it is assigned in the task ledger."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or not region_code.startswith(region_prefix(rnd.county_id)) or region.level not in ("county", "township", "village"):
        raise Invalid(Problem(f"「{region_code}」不是本县的县、乡镇或村", field="region"))
    _require(user, rnd.county_id, MANAGE_ROLES, "布置研判后续任务", "assessment.followup", rnd.pk)
    problems: list[Problem] = []
    title = _text(title, "任务", "title", problems, required=True, max_length=200)
    description = _text(description, "要求", "description", problems)
    if not isinstance(deadline, dt.date):
        problems.append(Problem("完成时限无效", field="deadline"))
    elif deadline < rnd.held_on:
        problems.append(Problem("完成时限不能早于研判日期", field="deadline"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        fu = FollowUp.objects.create(
            round=rnd, region=region, title=title, description=description, deadline=deadline,
            created_by=user if getattr(user, "pk", None) else None,
        )
        fu.task_id = assign_ledger_task(
            user, title=title, region_code=region.code, deadline=deadline, source_kind="analysis", source_ref=rnd.title,
            description=description, origin=f"assessment.followup:{fu.pk}", year=rnd.year, assigned_on=min(rnd.held_on, today()),
        )
        fu.save(update_fields=["task_id"])
        _history("round", rnd, rnd.county_id, "follow_up", user, f"{region.name}：{title}")
        audit.record("assessment.round.follow_up", fu, actor=user, new={"title": title, "region": region.code, "deadline": deadline, "task": fu.task_id}, region_code=region.code)
    return fu


# --- The difficult-villages list ---------------------------------------------------------------


@dataclass
class Proposal:
    village: Region
    rating: str | None  # this round's rating
    entry: DifficultVillage | None  # the village's entry on the list, if listed
    outcome: str  # what the rules propose ("not_listed" for a rated village that stays off)
    choices: tuple[str, ...]

    @property
    def rating_label(self) -> str:
        return rules.RATINGS.get(self.rating or "", "未研判")


def decided_at(rnd: AnalysisRound) -> set[str]:
    """Villages whose list entry this round has already decided (listed by an import before the
    review): the review leaves them as they are."""
    return set(DifficultReview.objects.filter(round=rnd).values_list("entry__village_id", flat=True))


def review_proposals(rnd: AnalysisRound) -> list[Proposal]:
    """What the round proposes for every listed village and every village rated weak."""
    ratings = dict(Rating.objects.filter(round=rnd).values_list("village_id", "rating"))
    done = decided_at(rnd)
    entries = {e.village_id: e for e in DifficultVillage.objects.filter(county_id=rnd.county_id, status="listed") if e.village_id not in done}
    proposed = {code: outcome for code, outcome in rules.review_proposals(set(entries), ratings).items() if code not in done}
    villages = {r.code: r for r in Region.objects.filter(code__in=list(proposed)).select_related("parent")}
    return [
        Proposal(villages[code], ratings.get(code), entries.get(code), proposed[code], rules.allowed_outcomes(code in entries))
        for code in sorted(proposed)
    ]


def review_round(user, rnd: AnalysisRound, decisions: dict[str, str] | None = None, notes: dict[str, str] | None = None) -> dict:
    """Review the difficult-villages list at a round, once: villages rated weak are listed (with
    a ledger task for their task force), listed ones are kept, marked improved or removed. The
    county may decide otherwise than proposed (`decisions`: village code → outcome; a rated
    village not proposed may be listed too). Running it again changes nothing."""
    _require(user, rnd.county_id, MANAGE_ROLES, "复核重点难点村清单", "assessment.analysisround", rnd.pk)
    decisions = dict(decisions or {})
    notes = notes or {}
    with transaction.atomic():
        rnd = AnalysisRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status == "reviewed":
            done = DifficultReview.objects.filter(round=rnd)
            counts = defaultdict(int)
            for outcome in done.values_list("outcome", flat=True):
                counts[outcome] += 1
            return {"already": True, **{k: counts.get(k, 0) for k in rules.OUTCOMES}}
        ratings = dict(Rating.objects.filter(round=rnd).values_list("village_id", "rating"))
        done = decided_at(rnd)
        entries = {
            e.village_id: e for e in DifficultVillage.objects.select_for_update().filter(county_id=rnd.county_id, status="listed")
            if e.village_id not in done
        }
        proposed = {code: outcome for code, outcome in rules.review_proposals(set(entries), ratings).items() if code not in done}
        problems = []
        labels = {**rules.OUTCOMES, "not_listed": "不列入"}
        names = dict(Region.objects.filter(code__in=list(decisions)).values_list("code", "name"))
        for code, outcome in sorted(decisions.items()):
            allowed = rules.allowed_outcomes(code in entries)
            name = f"{names.get(code, '')}（{code}）"
            if code in done:
                problems.append(Problem(f"{name}本轮已列入清单，不再复核", field="village"))
            elif code not in entries and code not in ratings:
                problems.append(Problem(f"{name}本轮未研判，也不在清单中", field="village"))
            elif outcome not in allowed:
                choices = "、".join(f"{k} {labels[k]}" for k in allowed)
                problems.append(Problem(f"{name}的复核结果「{outcome}」无效（可选：{choices}）", field="village"))
        if problems:
            raise Invalid(problems)
        final = {**proposed, **decisions}
        villages = {r.code: r for r in Region.objects.filter(code__in=list(final)).select_related("parent")}
        counts = defaultdict(int)
        for code in sorted(final):
            outcome = final[code]
            note = (notes.get(code) or "").strip()[:200]
            village = villages[code]
            if outcome == "not_listed":
                continue
            if outcome == "listed":
                rating = Rating.objects.filter(round=rnd, village_id=code).first()
                entry = _list_entry(user, rnd, village, rating.findings if rating else "")
            else:
                entry = entries[code]
                if outcome == "removed":
                    entry.status, entry.removed_round = "removed", rnd
                    entry.save(update_fields=["status", "removed_round"])
            DifficultReview.objects.create(entry=entry, round=rnd, outcome=outcome, rating=ratings.get(code, ""), note=note)
            _history("difficult", entry, code, outcome, user, f"{rnd.title}：{rules.OUTCOMES[outcome]}" + (f"（{note}）" if note else ""))
            counts[outcome] += 1
        rnd.status, rnd.reviewed_at = "reviewed", timezone.now()
        rnd.save(update_fields=["status", "reviewed_at"])
        summary = {k: counts.get(k, 0) for k in rules.OUTCOMES}
        _history("round", rnd, rnd.county_id, "reviewed", user, "；".join(f"{rules.OUTCOMES[k]} {v}" for k, v in summary.items()))
        audit.record("assessment.round.review", rnd, actor=user, new=summary, region_code=rnd.county_id)
    return {"already": False, **summary}


def _list_entry(user, rnd: AnalysisRound, village: Region, problems_text: str) -> DifficultVillage:
    """Put a village on the list at a round, with a ledger task for its task force."""
    entry = DifficultVillage.objects.create(county_id=rnd.county_id, village=village, listed_round=rnd, problems=problems_text)
    township = village.parent.name if village.parent_id else ""
    entry.task_id = assign_ledger_task(
        user, title=f"重点难点村专班整治：{township}{village.name}", region_code=village.code, deadline=rnd.held_on + dt.timedelta(days=180),
        source_kind="analysis", source_ref=rnd.title, description=entry.problems,
        origin=f"assessment.difficult:{entry.pk}", year=rnd.year, assigned_on=min(rnd.held_on, today()),
    )
    entry.save(update_fields=["task_id"])
    return entry


def task_force_errors(*, leader, members, problems_text=None, required: bool = True) -> tuple[dict, list[Problem]]:
    """The task force as typed, cleaned ({"leader", "members", "problems"}), and what is wrong
    with it: a leader and members are needed (`required`), within their lengths."""
    problems: list[Problem] = []
    clean = {
        "leader": _text(leader, "专班负责领导", "leader", problems, required=required, max_length=100),
        "members": _text(members, "专班成员", "members", problems, required=required),
    }
    if problems_text is not None:
        clean["problems"] = _text(problems_text, "主要问题", "problems", problems)
    return clean, problems


def list_village(user, rnd: AnalysisRound, village_code: str, *, problems_text: str = "", leader: str = "", members: str = "",
                 note: str = "") -> DifficultVillage:
    """List a village at a round outside its review — the county's list kept elsewhere and
    imported. Like a review's listing: a ledger task for the task force, a review row and the
    history; the round's own review then leaves the village as it is."""
    village = Region.objects.filter(code=village_code, level="village").first()
    if village is None or not village_code.startswith(region_prefix(rnd.county_id)):
        raise Invalid(Problem(f"「{village_code}」不是本县的村", field="village"))
    _require(user, village.code, MANAGE_ROLES, f"把{village.name}列入重点难点村清单", "assessment.difficultvillage", village.code)
    clean, problems = task_force_errors(leader=leader, members=members, problems_text=problems_text, required=False)
    if problems:
        raise Invalid(problems)
    note = (note or "").strip()[:200]
    with transaction.atomic():
        rnd = AnalysisRound.objects.select_for_update().get(pk=rnd.pk)
        if DifficultVillage.objects.filter(village=village, status="listed").exists():
            raise Invalid(Problem(f"{village.name}已在重点难点村清单中", field="village"))
        entry = _list_entry(user, rnd, village, clean["problems"])
        if clean["leader"] or clean["members"]:
            entry.leader, entry.members = clean["leader"], clean["members"]
            entry.save(update_fields=["leader", "members"])
        rating = Rating.objects.filter(round=rnd, village=village).values_list("rating", flat=True).first() or ""
        DifficultReview.objects.create(entry=entry, round=rnd, outcome="listed", rating=rating, note=note)
        _history("difficult", entry, village.code, "listed", user, f"{rnd.title}：{rules.OUTCOMES['listed']}" + (f"（{note}）" if note else ""))
        audit.record("assessment.difficult.list", entry, actor=user, region_code=village.code,
                     new={"round": rnd.pk, "problems": entry.problems, "leader": entry.leader, "members": entry.members, "note": note})
    return entry


def assign_task_force(user, entry: DifficultVillage, *, leader: str, members: str, problems_text: str | None = None) -> DifficultVillage:
    """Name the task force (专班) of a listed village: its responsible leader and members."""
    _require(user, entry.village_id, MANAGE_ROLES, "安排专班", "assessment.difficultvillage", entry.pk)
    clean, problems = task_force_errors(leader=leader, members=members, problems_text=problems_text)
    if problems:
        raise Invalid(problems)
    leader, members, problems_text = clean["leader"], clean["members"], clean.get("problems")
    with transaction.atomic():
        entry = DifficultVillage.objects.select_for_update().get(pk=entry.pk)
        if entry.status != "listed":
            raise Invalid(Problem("该村已销号，不能再安排专班", field="status"))
        fields = ["leader", "members", "problems"]
        old = audit.snapshot(entry, fields)
        entry.leader, entry.members = leader, members
        if problems_text is not None:
            entry.problems = problems_text
        entry.save(update_fields=fields)
        _history("difficult", entry, entry.village_id, "task_force", user, f"专班负责领导：{leader}")
        audit.record("assessment.difficult.task_force", entry, actor=user, old=old, new=audit.snapshot(entry, fields), region_code=entry.village_id)
    return entry


# --- Rectification of weak and lax organisations -----------------------------------------------


def situations_of(county_code: str, active_only: bool = True) -> list[TypicalSituation]:
    ensure_county_settings(county_code)
    qs = TypicalSituation.objects.filter(county_id=county_code)
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("number"))


def screen_village(user, year: int, village_code: str, situation_ids, note: str = "", screened_on: dt.date | None = None) -> tuple[Screening, Rectification | None]:
    """Record the year's screening of a village. A village matching any typical situation is
    put on the rectification list (with a ledger task), unless it is on it already — then its
    open case carries on. A screening never removes a village: only an acceptance check does."""
    problems: list[Problem] = []
    year = _year(year, problems)
    village = Region.objects.filter(code=village_code, level="village").first()
    if village is None:
        raise Invalid(Problem(f"「{village_code}」不是已登记的村", field="village"))
    county_code = county_code_of(village.code)
    _require(user, village.code, MANAGE_ROLES, f"排查{village.name}", "assessment.screening", village.code)
    settings_row = ensure_county_settings(county_code)
    ids = sorted({int(i) for i in situation_ids})
    chosen = list(TypicalSituation.objects.filter(county_id=county_code, pk__in=ids))
    if len(chosen) != len(ids):
        problems.append(Problem("所选情形不在本县典型情形清单中", field="situations"))
    elif any(not s.active for s in chosen):
        problems.append(Problem("所选情形已停用", field="situations"))
    note = _text(note, "排查情况", "note", problems)
    screened_on = screened_on or today()
    if not isinstance(screened_on, dt.date):
        problems.append(Problem("排查日期无效", field="screened_on"))
    elif screened_on > today():
        problems.append(Problem("排查日期不能晚于今天", field="screened_on"))
    elif year and screened_on.year not in (year, year + 1):
        problems.append(Problem(f"排查日期应在{year}年度内（或次年初）", field="screened_on"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        screening = Screening.objects.select_for_update().filter(year=year, village=village).first()
        old = {"situations": sorted(screening.situations.values_list("number", flat=True)), "note": screening.note} if screening else None
        if screening is None:
            screening = Screening(county_id=county_code, year=year, village=village)
        screening.note, screening.screened_on = note, screened_on
        screening.screened_by = user if getattr(user, "pk", None) else None
        screening.save()
        screening.situations.set(chosen)
        audit.record("assessment.screening", screening, actor=user, old=old, new={"situations": sorted(s.number for s in chosen), "note": note}, region_code=village.code)
        case = Rectification.objects.select_for_update().filter(village=village, status="listed").first()
        if chosen and case is None:
            case = Rectification.objects.create(
                county_id=county_code, year=year, village=village, party_funds_fen=settings_row.party_funds_fen,
                deadline=max(dt.date(year, 12, 31), screened_on + dt.timedelta(days=90)),
                created_by=user if getattr(user, "pk", None) else None,
            )
            case.situations.set(chosen)
            township = village.parent.name if village.parent_id else ""
            case.task_id = assign_ledger_task(
                user, title=f"软弱涣散村党组织整顿：{township}{village.name}", region_code=village.code, deadline=case.deadline,
                source_kind="rectification", source_ref=f"{year}年度软弱涣散村党组织排查",
                description="存在问题：" + "；".join(s.title for s in chosen), origin=f"assessment.rectification:{case.pk}", year=year,
                assigned_on=screened_on,
            )
            case.save(update_fields=["task_id"])
            _history("rectification", case, village.code, "listed", user, f"{year}年度排查列入：" + "、".join(s.title for s in chosen))
            audit.record("assessment.rectification.list", case, actor=user, new={"year": year, "situations": [s.number for s in chosen]}, region_code=village.code)
        elif chosen:
            case.situations.add(*chosen)
            _history("rectification", case, village.code, "rescreened", user, f"{year}年度排查仍存在问题，延续整顿：" + "、".join(s.title for s in chosen))
    return screening, case if chosen else None


CASE_FIELDS = ["causes", "plan", "county_leader", "township_lead", "first_secretary", "party_funds_fen", "project_funds_fen", "deadline"]


def case_errors(settings_row: CountySettings, year: int, data: dict) -> tuple[dict, list[Problem]]:
    """A rectification's `CASE_FIELDS` cleaned, and what is wrong with them: texts within their
    lengths, funds whole fen not below 0 (project funds 0 or within the county's range), the
    deadline not before the year it was listed."""
    data = dict(data)
    problems: list[Problem] = []
    data["causes"] = _text(data["causes"], "原因分析", "causes", problems)
    data["plan"] = _text(data["plan"], "整顿方案", "plan", problems)
    for f, label in (("county_leader", "联系县级领导"), ("township_lead", "乡镇责任人"), ("first_secretary", "第一书记")):
        data[f] = _text(data[f], label, f, problems, max_length=100)
    for f, label in (("party_funds_fen", "党建经费"), ("project_funds_fen", "项目扶持资金")):
        v = data[f]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            problems.append(Problem(f"{label}应为不小于0的金额（分）", field=f))
    p = data["project_funds_fen"]
    if isinstance(p, int) and p > 0 and not settings_row.project_funds_min_fen <= p <= settings_row.project_funds_max_fen:
        problems.append(Problem(
            f"项目扶持资金应在 {format_yuan(settings_row.project_funds_min_fen)} 至 {format_yuan(settings_row.project_funds_max_fen)} 元之间（本县设置），或为0（尚未安排）",
            field="project_funds_fen",
        ))
    if data["deadline"] is not None and not isinstance(data["deadline"], dt.date):
        problems.append(Problem("整顿时限无效", field="deadline"))
    elif data["deadline"] is not None and data["deadline"] < dt.date(year, 1, 1):
        problems.append(Problem("整顿时限不能早于列入年度", field="deadline"))
    return data, problems


def update_rectification(user, case: Rectification, **values) -> Rectification:
    """Causes, plan, the assigned county leader, township lead and first secretary, the funds
    (fen) and the deadline of a listed organisation (`CASE_FIELDS`)."""
    _require(user, case.village_id, MANAGE_ROLES, "修改整顿台账", "assessment.rectification", case.pk)
    unknown = set(values) - set(CASE_FIELDS)
    if unknown:
        raise Invalid(Problem(f"未知字段：{'、'.join(sorted(unknown))}", field="rectification"))
    settings_row = ensure_county_settings(case.county_id)
    data, problems = case_errors(settings_row, case.year, {**{f: getattr(case, f) for f in CASE_FIELDS}, **values})
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        case = Rectification.objects.select_for_update().get(pk=case.pk)
        if case.status != "listed":
            raise Invalid(Problem("已验收销号的整顿台账不能再修改", field="status"))
        old = audit.snapshot(case, CASE_FIELDS)
        for f in CASE_FIELDS:
            setattr(case, f, data[f])
        case.save(update_fields=CASE_FIELDS)
        new = audit.snapshot(case, CASE_FIELDS)
        changed = [f for f in CASE_FIELDS if old[f] != new[f]]
        if changed:
            labels = {f.name: str(f.verbose_name).removesuffix("（分）") for f in Rectification._meta.fields}
            _history("rectification", case, case.village_id, "updated", user, "修改：" + "、".join(labels[f] for f in changed))
            audit.record("assessment.rectification.update", case, actor=user, old=old, new=new, region_code=case.village_id)
    return case


def measure_errors(year: int, date, text) -> tuple[str, list[Problem]]:
    """A measure's text cleaned, and what is wrong: a text, a date not in the future and not
    before the year the organisation was listed."""
    problems: list[Problem] = []
    text = _text(text, "措施", "text", problems, required=True)
    if not isinstance(date, dt.date):
        problems.append(Problem("日期无效", field="date"))
    elif date > today():
        problems.append(Problem("措施日期不能晚于今天", field="date"))
    elif date < dt.date(year, 1, 1):
        problems.append(Problem("措施日期不能早于列入年度", field="date"))
    return text, problems


def add_measure(user, case: Rectification, date: dt.date, text: str) -> Measure:
    _require(user, case.village_id, MEASURE_ROLES, "记录整顿措施", "assessment.measure", case.pk)
    text, problems = measure_errors(case.year, date, text)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        case = Rectification.objects.select_for_update().get(pk=case.pk)
        if case.status != "listed":
            raise Invalid(Problem("已验收销号，不能再记录整顿措施", field="status"))
        m = Measure.objects.create(rectification=case, date=date, text=text, recorded_by=user if getattr(user, "pk", None) else None)
        _history("rectification", case, case.village_id, "measure", user, f"{date:%Y-%m-%d} {text[:100]}")
        audit.record("assessment.rectification.measure", m, actor=user, new={"date": date, "text": text}, region_code=case.village_id)
    return m


def record_acceptance(user, case: Rectification, *, date: dt.date, passed: bool, result: str, checked_by: str) -> AcceptanceCheck:
    """验收. A passed check — and nothing else — removes the organisation from the list; a failed
    one is kept on record and the rectification goes on."""
    _require(user, case.village_id, MANAGE_ROLES, "组织整顿验收", "assessment.acceptancecheck", case.pk)
    problems: list[Problem] = []
    result = _text(result, "验收意见", "result", problems, required=True)
    checked_by = _text(checked_by, "验收人", "checked_by", problems, required=True, max_length=100)
    if not isinstance(date, dt.date):
        problems.append(Problem("验收日期无效", field="date"))
    elif date > today():
        problems.append(Problem("验收日期不能晚于今天", field="date"))
    elif date < dt.date(case.year, 1, 1):
        problems.append(Problem("验收日期不能早于列入年度", field="date"))
    if not isinstance(passed, bool):
        problems.append(Problem("请注明验收是否通过", field="passed"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        case = Rectification.objects.select_for_update().get(pk=case.pk)
        if case.status != "listed":
            raise Invalid(Problem(f"该村已于 {case.delisted_on:%Y-%m-%d} 验收销号", field="status"))
        check = AcceptanceCheck.objects.create(
            rectification=case, date=date, passed=passed, result=result, checked_by=checked_by,
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        if passed:
            case.status, case.delisted_on = "delisted", date
            case.save(update_fields=["status", "delisted_on"])
        _history("rectification", case, case.village_id, "delisted" if passed else "check_failed", user, f"{date:%Y-%m-%d} {checked_by}验收{'通过，销号' if passed else '未通过'}：{result[:100]}")
        audit.record(
            "assessment.rectification.accept" if passed else "assessment.rectification.check_failed", case, actor=user,
            old={"status": "listed"}, new={"status": case.status, "date": date, "checked_by": checked_by, "result": result}, region_code=case.village_id,
        )
    return check


# --- Assessments -------------------------------------------------------------------------------


def create_assessment(user, county_code: str, year: int, level: str = "township", title: str = "") -> Assessment:
    """The county's assessment of the year: its indicators copied from the county's defaults,
    every township (or village) of the county as a unit."""
    county = _county(county_code)
    _require(user, county.code, MANAGE_ROLES, "组织考核", "assessment.assessment")
    ensure_county_settings(county.code)
    problems: list[Problem] = []
    year = _year(year, problems)
    if level not in ("township", "village"):
        problems.append(Problem("考核对象应为 township（乡镇）或 village（村）", field="level"))
    title = _text(title, "名称", "title", problems, max_length=80)
    if problems:
        raise Invalid(problems)
    if Assessment.objects.filter(county=county, year=year, level=level).exists():
        raise Invalid(Problem(f"{county.name}{year}年度{'乡镇' if level == 'township' else '村'}考核已存在", field="year"))
    regions = list(Region.objects.filter(level=level, code__startswith=region_prefix(county.code)).order_by("code"))
    if not regions:
        raise Invalid(Problem(f"{county.name}没有可考核的{'乡镇' if level == 'township' else '村'}", field="level"))
    with transaction.atomic():
        a = Assessment.objects.create(
            county=county, year=year, level=level,
            title=title or f"{county.name}{year}年度{'乡镇' if level == 'township' else '村级'}党建工作考核",
            created_by=user if getattr(user, "pk", None) else None,
        )
        Indicator.objects.bulk_create(
            Indicator(assessment=a, key=d.key, name=d.name, weight=d.weight, order=d.order)
            for d in IndicatorDefault.objects.filter(county=county).order_by("order", "key")
        )
        Unit.objects.bulk_create(Unit(assessment=a, region=r) for r in regions)
        _history("assessment", a, county.code, "created", user, f"{a.title}：{len(regions)}个考核对象")
        audit.record("assessment.create", a, actor=user, new={"title": a.title, "year": year, "level": level, "units": len(regions)}, region_code=county.code)
    return a


def set_indicators(user, a: Assessment, rows: list[tuple[str, str, int]]) -> list[Indicator]:
    """Change an assessment's indicators and weights while it is being scored. An indicator
    that already has scores cannot be dropped."""
    _require(user, a.county_id, MANAGE_ROLES, "修改考核指标", "assessment.indicator", a.pk)
    problems = [Problem(m, field=f) for f, m in rules.weight_problems(rows)]
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=a.pk)
        if a.status != "scoring":
            raise Invalid(Problem("考核已定稿，指标不能再修改", field="status"))
        current = {i.key: i for i in a.indicators.all()}
        keep = {k for k, _, _ in rows}
        dropped = [i for k, i in current.items() if k not in keep]
        scored = [i.name for i in dropped if i.scores.exists()]
        if scored:
            raise Invalid(Problem(f"指标「{'、'.join(scored)}」已有得分，不能删除", field="indicators"))
        old = [(i.key, i.name, i.weight) for i in current.values()]
        for i in dropped:
            i.delete()
        for order, (key, name, weight) in enumerate(rows):
            ind = current.get(key) or Indicator(assessment=a, key=key)
            ind.name, ind.weight, ind.order = name, weight, order
            ind.save()
        _history("assessment", a, a.county_id, "indicators", user, "；".join(f"{n} {w}%" for _, n, w in rows))
        audit.record("assessment.indicators", a, actor=user, old={"rows": old}, new={"rows": rows}, region_code=a.county_id)
    return list(a.indicators.all())


@dataclass
class ScoreEntry:
    """One score as typed or imported: region code, indicator key, the value (text or int)."""

    region: str
    indicator: str
    value: object
    row: int | None = None  # line in an import file
    field: str | None = None  # column (the indicator's name) in an import file


def require_scorer(user, a: Assessment) -> None:
    _require(user, a.county_id, MANAGE_ROLES, "录入考核得分", "assessment.score", a.pk)


def set_scores(user, a: Assessment, entries: list[ScoreEntry], *, file: str | None = None) -> dict:
    """Enter scores, all or nothing: every problem is reported (by row and column for an import)
    and nothing is written unless there is none."""
    require_scorer(user, a)
    units = {u.region_id: u for u in a.units.select_related("region")}
    indicators = {i.key: i for i in a.indicators.all()}
    problems: list[Problem] = []
    parsed: dict[tuple[str, str], tuple[int, ScoreEntry]] = {}
    for e in entries:
        fld = e.field or "score"
        unit = units.get(e.region)
        ind = indicators.get(e.indicator)
        if unit is None:
            problems.append(Problem(f"「{e.region}」不是本次考核的考核对象", row=e.row, field=e.field and "code" or "region", file=file))
            continue
        if ind is None:
            problems.append(Problem(f"指标「{e.indicator}」不在本次考核中", row=e.row, field=fld, file=file))
            continue
        try:
            value = rules.parse_score(e.value)
        except rules.ScoreError as exc:
            problems.append(Problem(f"{unit.region.name}「{ind.name}」{exc}", row=e.row, field=fld, file=file))
            continue
        key = (e.region, e.indicator)
        if key in parsed:
            first = parsed[key][1]
            where = f"（与第{first.row}行重复）" if first.row else "（重复）"
            problems.append(Problem(f"{unit.region.name}「{ind.name}」的得分重复{where}", row=e.row, field=fld, file=file))
            continue
        parsed[key] = (value, e)
    if not entries and not problems:
        problems.append(Problem("没有要录入的得分", file=file))
    if problems:
        raise Invalid(sorted(problems, key=lambda p: (p.row or 0)))
    changed = 0
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=a.pk)
        if a.status != "scoring":
            raise Invalid(Problem("考核已定稿，得分不能再修改", field="status", file=file))
        existing = {(s.unit.region_id, s.indicator.key): s for s in Score.objects.filter(unit__assessment=a).select_related("unit", "indicator")}
        old, new = {}, {}
        fresh = []
        for (region, key), (value, _) in parsed.items():
            s = existing.get((region, key))
            label = f"{region}.{key}"
            if s is None:
                fresh.append(Score(unit=units[region], indicator=indicators[key], value=value, entered_by=user if getattr(user, "pk", None) else None))
                new[label] = rules.format_score(value)
                changed += 1
            elif s.value != value:
                old[label], new[label] = rules.format_score(s.value), rules.format_score(value)
                s.value = value
                s.entered_by = user if getattr(user, "pk", None) else None
                s.save(update_fields=["value", "entered_by", "entered_at"])
                changed += 1
        Score.objects.bulk_create(fresh)
        if changed:
            _history("assessment", a, a.county_id, "scores", user, f"录入得分 {changed} 项" + (f"（文件「{file}」）" if file else ""))
            audit.record("assessment.scores", a, actor=user, old=old, new=new, region_code=a.county_id, note=file or "")
    return {"entries": len(parsed), "changed": changed}


@dataclass
class Standing:
    """One unit of an assessment: its scores, weighted total and places (see `rules`)."""

    unit: Unit
    scores: dict[str, int | None]
    total: int | None
    place: rules.Place
    places: dict[str, rules.Place] = field(default_factory=dict)
    weight_sum: int = 100

    @property
    def region(self) -> Region:
        return self.unit.region

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def total_text(self) -> str:
        return rules.format_total(self.total, self.weight_sum)


def figures(a: Assessment) -> dict[str, dict[str, int | None]]:
    """Measure (TOTAL or indicator key) → region code → value, for the rules."""
    indicators = list(a.indicators.all())
    weights = {i.key: i.weight for i in indicators}
    by_unit: dict[str, dict[str, int]] = {u: {} for u in a.units.values_list("region_id", flat=True)}
    for region, key, value in Score.objects.filter(unit__assessment=a).values_list("unit__region_id", "indicator__key", "value"):
        by_unit[region][key] = value
    out: dict[str, dict[str, int | None]] = {rules.TOTAL: {r: rules.weighted_total(s, weights) for r, s in by_unit.items()}}
    for i in indicators:
        out[i.key] = {r: s.get(i.key) for r, s in by_unit.items()}
    return out


def standings(a: Assessment) -> list[Standing]:
    """Every unit, best first, with its places on the total and on each indicator. Callers show
    only the rows the user may see (`Unit.objects.visible_to`)."""
    indicators = list(a.indicators.all())
    fig = figures(a)
    units = {u.region_id: u for u in a.units.select_related("region__parent")}
    total_places = rules.rank(fig[rules.TOTAL])
    ind_places = {i.key: rules.rank(fig[i.key]) for i in indicators}
    weight_sum = sum(i.weight for i in indicators) or 100
    return [
        Standing(
            unit=units[code], scores={i.key: fig[i.key][code] for i in indicators}, total=fig[rules.TOTAL][code],
            place=total_places[code], places={k: p[code] for k, p in ind_places.items()}, weight_sum=weight_sum,
        )
        for code in rules.order(fig[rules.TOTAL])
    ]


def _missing(a: Assessment) -> list[Problem]:
    indicators = list(a.indicators.all())
    have = set(Score.objects.filter(unit__assessment=a).values_list("unit_id", "indicator_id"))
    problems = []
    for u in a.units.select_related("region"):
        lacking = [i.name for i in indicators if (u.pk, i.pk) not in have]
        if lacking:
            problems.append(Problem(f"{u.region.name}缺少得分：{'、'.join(lacking)}"))
    return problems


def finalize(user, a: Assessment) -> Assessment:
    """定稿: every unit scored on every indicator; scores are locked from then on."""
    _require(user, a.county_id, MANAGE_ROLES, "考核定稿", "assessment.assessment", a.pk)
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=a.pk)
        if a.status == "final":
            return a
        _finalize(user, a)
    return a


def _finalize(user, a: Assessment) -> None:
    problems = _missing(a)
    if not a.indicators.exists():
        problems.append(Problem("没有考核指标"))
    if problems:
        raise Invalid(problems)
    a.status, a.finalized_at = "final", timezone.now()
    a.save(update_fields=["status", "finalized_at"])
    _history("assessment", a, a.county_id, "finalized", user, "定稿，得分锁定")
    audit.record("assessment.finalize", a, actor=user, old={"status": "scoring"}, new={"status": "final"}, region_code=a.county_id)


def _measure_name(key: str, names: dict[str, str]) -> str:
    return "综合得分" if key == rules.TOTAL else f"{names.get(key, key)}得分"


def _basis(hit: rules.Hit, year: int, names: dict[str, str], weight_sums: list[int]) -> str:
    parts = []
    for k, place in enumerate(hit.places):
        value = rules.format_total(place.value, weight_sums[k]) if hit.rule.indicator_key == rules.TOTAL else rules.format_score(place.value)
        tie = "，并列" if place.tied else ""
        parts.append(f"{year - k}年度{_measure_name(hit.rule.indicator_key, names)} {value}，第{place.rank}名（共{place.of}个{tie}，倒数第{place.from_bottom}）")
    return "；".join(parts)


@dataclass
class Applied:
    created: list[Consequence]
    existing: list[Consequence]
    tasks: int
    notes: list[str]


def apply_consequences(user, a: Assessment, applied_on: dt.date | None = None) -> Applied:
    """Apply the county's consequence rules to an assessment, in one call: finalise it if need be,
    rank, record each consequence once (assessment, rule, unit) with its basis and turn it into a
    ledger task. Running it again records nothing new; a consequence still without a task (the
    ledger was not installed) gets one. Rules over several years read earlier years' final
    assessments of the same county and level. `applied_on` (default today) starts the deadlines."""
    _require(user, a.county_id, MANAGE_ROLES, "落实考核问责", "assessment.consequence", a.pk)
    applied_on = applied_on or today()
    if not isinstance(applied_on, dt.date) or applied_on > today() or applied_on.year <= a.year - 1:
        raise Invalid(Problem("落实日期无效（不能晚于今天，也不能早于考核年度）", field="applied_on"))
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=a.pk)
        if a.status != "final":
            _finalize(user, a)
        county_rules = list(ConsequenceRule.objects.filter(county_id=a.county_id, level=a.level, active=True).order_by("order", "key"))
        longest = max((r.years for r in county_rules), default=1)
        years: list = [figures(a)]
        weight_sums = [sum(a.indicators.values_list("weight", flat=True)) or 100]
        notes: list[str] = []
        for k in range(1, longest):
            prior = Assessment.objects.filter(county_id=a.county_id, level=a.level, year=a.year - k).first()
            if prior is None or prior.status != "final":
                years.append(None)
                weight_sums.append(100)
                waiting = [r.name for r in county_rules if r.years > k]
                notes.append(f"{a.year - k}年度考核{'未定稿' if prior else '不存在'}，规则「{'、'.join(waiting)}」无法判定")
            else:
                years.append(figures(prior))
                weight_sums.append(sum(prior.indicators.values_list("weight", flat=True)) or 100)
        names = dict(a.indicators.values_list("key", "name"))
        pure = [rules.Rule(r.key, r.name, r.indicator_key, r.bottom_n, r.years) for r in county_rules]
        by_key = {r.key: r for r in county_rules}
        units = {u.region_id: u for u in a.units.select_related("region")}
        created, existing = [], []
        tasks = 0
        for hit in rules.consequences(pure, years):
            rule, unit = by_key[hit.rule.key], units[hit.unit]
            c = Consequence.objects.filter(assessment=a, rule_key=rule.key, unit=unit).first()
            if c is None:
                c = Consequence.objects.create(
                    assessment=a, unit=unit, rule=rule, rule_key=rule.key, rule_name=rule.name, target=rule.target,
                    action=rule.action, bars_promotion=rule.bars_promotion, basis=_basis(hit, a.year, names, weight_sums),
                    deadline=applied_on + dt.timedelta(days=rule.deadline_days),
                    task_title=f"{unit.region.name}：对{rule.target}{rule.action}（{a.year}年度{rule.name}）"[:200],
                    created_by=user if getattr(user, "pk", None) else None,
                )
                created.append(c)
                _history("assessment", a, a.county_id, "consequence", user, c.task_title)
                audit.record("assessment.consequence", c, actor=user, new={"rule": rule.key, "unit": unit.region_id, "basis": c.basis}, region_code=unit.region_id)
            else:
                existing.append(c)
            if c.task_id is None:
                c.task_id = assign_ledger_task(
                    user, title=c.task_title, region_code=unit.region_id, deadline=c.deadline, source_kind="assessment",
                    source_ref=a.title, description=f"{c.rule_name}。依据：{c.basis}", origin=f"assessment.consequence:{c.pk}", year=a.year,
                    assigned_on=min(applied_on, c.deadline),
                )
                if c.task_id is not None:
                    c.save(update_fields=["task_id"])
                    tasks += 1
        first = a.consequences_applied_at is None
        a.consequences_applied_at = a.consequences_applied_at or timezone.now()
        a.save(update_fields=["consequences_applied_at"])
        if first or created or tasks:
            audit.record("assessment.apply_consequences", a, actor=user, new={"created": len(created), "existing": len(existing), "tasks": tasks, "notes": notes}, region_code=a.county_id)
    return Applied(created, existing, tasks, notes)
