"""Yearly assessments (考核): indicators and weights copied from the county's defaults, scores
entered all or nothing, standings with ties sharing a rank (`rules`), and the final step that
locks the scores."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.regions.models import Region

from .. import rules
from ..models import Assessment, History, Indicator, IndicatorDefault, Score, Unit
from .common import checked_year, clean_text, county_or_invalid, saved_by
from .settings import ensure_county_settings
from .visibility import MANAGE_ROLES


def create_assessment(user, county_code: str, year: int, level: str = "township", title: str = "") -> Assessment:
    """The county's assessment of the year: its indicators copied from the county's defaults,
    every township (or village) of the county as a unit."""
    county = county_or_invalid(county_code)
    permissions.require(user, MANAGE_ROLES, county.code, "组织考核", object_type="assessment.assessment")
    ensure_county_settings(county.code)
    problems: list[Problem] = []
    year = checked_year(year, problems)
    if level not in ("township", "village"):
        problems.append(Problem("考核对象应为 township（乡镇）或 village（村）", field="level"))
    title = clean_text(title, "名称", "title", problems, max_length=80)
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
            created_by=saved_by(user),
        )
        Indicator.objects.bulk_create(
            Indicator(assessment=a, key=d.key, name=d.name, weight=d.weight, order=d.order)
            for d in IndicatorDefault.objects.filter(county=county).order_by("order", "key")
        )
        Unit.objects.bulk_create(Unit(assessment=a, region=r) for r in regions)
        History.record(
            user, "created", kind="assessment", object_id=a.pk, region_code=county.code, to_status="scoring",
            note=f"{a.title}：{len(regions)}个考核对象",
        )
        audit.record("assessment.create", a, actor=user, new={"title": a.title, "year": year, "level": level, "units": len(regions)}, region_code=county.code)
    return a


def set_indicators(user, a: Assessment, rows: list[tuple[str, str, int]]) -> list[Indicator]:
    """Change an assessment's indicators and weights while it is being scored. An indicator
    that already has scores cannot be dropped."""
    permissions.require(user, MANAGE_ROLES, a.county_id, "修改考核指标", object_type="assessment.indicator", object_id=a.pk)
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
        History.record(
            user, "indicators", kind="assessment", object_id=a.pk, region_code=a.county_id,
            note="；".join(f"{n} {w}%" for _, n, w in rows),
        )
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


def set_scores(user, a: Assessment, entries: list[ScoreEntry], *, file: str | None = None) -> dict:
    """Enter scores, all or nothing: every problem is reported (by row and column for an import)
    and nothing is written unless there is none."""
    permissions.require(user, MANAGE_ROLES, a.county_id, "录入考核得分", object_type="assessment.score", object_id=a.pk)
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
                fresh.append(Score(unit=units[region], indicator=indicators[key], value=value, entered_by=saved_by(user)))
                new[label] = rules.format_score(value)
                changed += 1
            elif s.value != value:
                old[label], new[label] = rules.format_score(s.value), rules.format_score(value)
                s.value = value
                s.entered_by = saved_by(user)
                s.save(update_fields=["value", "entered_by", "entered_at"])
                changed += 1
        Score.objects.bulk_create(fresh)
        if changed:
            History.record(
                user, "scores", kind="assessment", object_id=a.pk, region_code=a.county_id,
                note=f"录入得分 {changed} 项" + (f"（文件「{file}」）" if file else ""),
            )
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
    permissions.require(user, MANAGE_ROLES, a.county_id, "考核定稿", object_type="assessment.assessment", object_id=a.pk)
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=a.pk)
        if a.status == "final":
            return a
        finalize_locked(user, a)
    return a


def finalize_locked(user, a: Assessment) -> None:
    problems = _missing(a)
    if not a.indicators.exists():
        problems.append(Problem("没有考核指标"))
    if problems:
        raise Invalid(problems)
    a.status, a.finalized_at = "final", timezone.now()
    a.save(update_fields=["status", "finalized_at"])
    History.record(
        user, "finalized", kind="assessment", object_id=a.pk, region_code=a.county_id, from_status="scoring", to_status="final",
        note="定稿，得分锁定",
    )
    audit.record("assessment.finalize", a, actor=user, old={"status": "scoring"}, new={"status": "final"}, region_code=a.county_id)
