"""Team analysis rounds (班子运行分析研判): the county opens a round, the county and the
townships rate every village, and the round's follow-up tasks go into the task ledger."""

import datetime as dt

from django.db import transaction
from django.db.models import Max

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.regions.models import Region

from .. import rules
from ..models import AnalysisRound, CountySettings, FollowUp, History, Rating
from .common import checked_year, clean_text, county_or_invalid, saved_by
from .consequences import assign_ledger_task
from .settings import ensure_county_settings
from .visibility import MANAGE_ROLES, RATE_ROLES


def create_round(user, county_code: str, held_on: dt.date, *, year: int | None = None, title: str = "", summary: str = "") -> AnalysisRound:
    """Open the county's next analysis round of the year (numbered 1, 2, …)."""
    county = county_or_invalid(county_code)
    permissions.require(user, MANAGE_ROLES, county.code, "组织班子运行分析研判", object_type="assessment.analysisround")
    settings_row = ensure_county_settings(county.code)
    problems: list[Problem] = []
    if not isinstance(held_on, dt.date):
        problems.append(Problem("研判日期无效", field="held_on"))
    year = checked_year(year if year is not None else getattr(held_on, "year", 0), problems)
    title = clean_text(title, "名称", "title", problems, max_length=60)
    summary = clean_text(summary, "总体情况", "summary", problems)
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
            criteria=list(settings_row.analysis_criteria), created_by=saved_by(user),
        )
        History.record(
            user, "created", kind="round", object_id=rnd.pk, region_code=county.code, to_status="open", note=f"{title}（{held_on:%Y-%m-%d}）"
        )
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
    permissions.require(
        user, RATE_ROLES, village.code, f"研判{village.name}",
        object_type="assessment.rating", object_id=village.code,
    )
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
    findings = clean_text(findings, "主要问题", "findings", problems)
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
        row.rated_by = saved_by(user)
        row.save()
        audit.record("assessment.round.rate", row, actor=user, old=old, new={"rating": key, "criteria": parts, "findings": findings}, region_code=village.code)
    return row


def add_follow_up(user, rnd: AnalysisRound, region_code: str, title: str, deadline: dt.date, description: str = "") -> FollowUp:
    """A follow-up task decided at the round; it is assigned in the task ledger."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or not region_code.startswith(region_prefix(rnd.county_id)) or region.level not in ("county", "township", "village"):
        raise Invalid(Problem(f"「{region_code}」不是本县的县、乡镇或村", field="region"))
    permissions.require(user, MANAGE_ROLES, rnd.county_id, "布置研判后续任务", object_type="assessment.followup", object_id=rnd.pk)
    problems: list[Problem] = []
    title = clean_text(title, "任务", "title", problems, required=True, max_length=200)
    description = clean_text(description, "要求", "description", problems)
    if not isinstance(deadline, dt.date):
        problems.append(Problem("完成时限无效", field="deadline"))
    elif deadline < rnd.held_on:
        problems.append(Problem("完成时限不能早于研判日期", field="deadline"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        fu = FollowUp.objects.create(
            round=rnd, region=region, title=title, description=description, deadline=deadline,
            created_by=saved_by(user),
        )
        fu.task_id = assign_ledger_task(
            user, title=title, region_code=region.code, deadline=deadline, source_kind="analysis", source_ref=rnd.title,
            description=description, origin=f"assessment.followup:{fu.pk}", year=rnd.year, assigned_on=min(rnd.held_on, today()),
        )
        fu.save(update_fields=["task_id"])
        History.record(user, "follow_up", kind="round", object_id=rnd.pk, region_code=rnd.county_id, note=f"{region.name}：{title}")
        audit.record("assessment.round.follow_up", fu, actor=user, new={"title": title, "region": region.code, "deadline": deadline, "task": fu.task_id}, region_code=region.code)
    return fu
