"""Consequences of an assessment (考核问责), and the one place this app puts work into the task
ledger (重点工作台账, `sanwu.partywork`).

Follow-up tasks of analysis rounds, listed difficult villages, rectifications and assessment
consequences all become ledger tasks through `assign_ledger_task`. The returned task id is kept
on our row, so a task is never assigned twice (re-running a service is idempotent).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem
from sanwu.partywork.services import assign_task

from .. import rules
from ..models import Assessment, Consequence, ConsequenceRule, History
from .assessments import figures, finalize_locked
from .common import saved_by
from .visibility import MANAGE_ROLES


def assign_ledger_task(user, *, title: str, **task) -> int:
    """Assign a task in the ledger (`partywork.services.assign_task`, its title cut to 200
    characters) and return its id.

    `source_kind` is "analysis", "rectification" or "assessment"; `origin` names our row
    ("assessment.consequence:42") so the ledger can link back; `assigned_on` is the day the work
    was decided (a round's date, a screening's, the day consequences were applied). The ledger checks the acting
    user's permissions itself; its `Invalid`/`Refused` propagate and roll back our transaction.
    """
    return assign_task(user, title=title[:200], **task).pk


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
    ledger task. Running it again records nothing new; a consequence still without a task gets
    one. Rules over several years read earlier years' final
    assessments of the same county and level. `applied_on` (default today) starts the deadlines."""
    permissions.require(user, MANAGE_ROLES, a.county_id, "落实考核问责", object_type="assessment.consequence", object_id=a.pk)
    applied_on = applied_on or today()
    if not isinstance(applied_on, dt.date) or applied_on > today() or applied_on.year <= a.year - 1:
        raise Invalid(Problem("落实日期无效（不能晚于今天，也不能早于考核年度）", field="applied_on"))
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=a.pk)
        if a.status != "final":
            finalize_locked(user, a)
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
                    created_by=saved_by(user),
                )
                created.append(c)
                History.record(user, "consequence", kind="assessment", object_id=a.pk, region_code=a.county_id, note=c.task_title)
                audit.record("assessment.consequence", c, actor=user, new={"rule": rule.key, "unit": unit.region_id, "basis": c.basis}, region_code=unit.region_id)
            else:
                existing.append(c)
            if c.task_id is None:
                c.task_id = assign_ledger_task(
                    user, title=c.task_title, region_code=unit.region_id, deadline=c.deadline, source_kind="assessment",
                    source_ref=a.title, description=f"{c.rule_name}。依据：{c.basis}", origin=f"assessment.consequence:{c.pk}", year=a.year,
                    assigned_on=min(applied_on, c.deadline),
                )
                c.save(update_fields=["task_id"])
                tasks += 1
        first = a.consequences_applied_at is None
        a.consequences_applied_at = a.consequences_applied_at or timezone.now()
        a.save(update_fields=["consequences_applied_at"])
        if first or created or tasks:
            audit.record("assessment.apply_consequences", a, actor=user, new={"created": len(created), "existing": len(existing), "tasks": tasks, "notes": notes}, region_code=a.county_id)
    return Applied(created, existing, tasks, notes)
