"""Pages of the yearly assessments: the list, the ranking (Excel), score entry and import, the
final step and the consequences. A township (or village) sees its own row, its rank and its own
consequences — never another's scores."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.dates import today
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, flash_problems, import_page, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import imports, rules, services, tables
from ..forms import AssessmentForm
from ..models import Assessment, Consequence, Score, Unit
from ..services import can_manage
from .common import MANAGE, VILLAGE_VIEW, current_county, problem_texts, task_url

LEVEL_LABELS = {"township": "乡镇", "village": "村"}


def _visible_units(user, a: Assessment) -> set[int]:
    return set(Unit.objects.visible_to(user).filter(assessment=a).values_list("pk", flat=True))


@role_required(*VILLAGE_VIEW)
@shows_problems
def assessment_list(request, problems=()):
    county = current_county(request)
    user = request.user
    if county is None:
        return render(request, "assessment/assessments.html", {"county": None, "page": paginate(request, [])})
    manage = can_manage(user, county.code)
    form = AssessmentForm(request.POST or None, initial={"year": today().year - 1, "level": "township"})
    if request.method == "POST" and not problems:
        permissions.require(user, services.MANAGE_ROLES, county.code, "组织考核", object_type="view:assessment:assessments:create")
        d = checked(form)
        a = services.create_assessment(user, county.code, d["year"], d["level"], d["title"])
        messages.success(request, f"已建立「{a.title}」。")
        return redirect("assessment:assessment", pk=a.pk)
    rows = list(services.assessments_visible(user, county))
    for a in rows:
        a.whole = Assessment.objects.visible_to(user).filter(pk=a.pk).exists()
        a.unit_count = a.units.count()
        a.scored = Score.objects.filter(unit__assessment=a).count()
        a.needed = a.unit_count * a.indicators.count()
        a.consequence_count = Consequence.objects.visible_to(user).filter(assessment=a).count()
        if not a.whole:
            standing = {s.unit.pk: s for s in services.standings(a)}
            a.mine = [standing[u] for u in _visible_units(user, a) if u in standing]
    return render(request, "assessment/assessments.html", {
        "county": county, "counties": services.counties_offered(user), "page": paginate(request, rows), "form": form if manage else None,
        "problems": problems, "levels": LEVEL_LABELS,
    })


@role_required(*VILLAGE_VIEW)
def assessment_detail(request, pk: int):
    a, whole = services.assessment_for(request.user, pk)
    user = request.user
    indicators = list(a.indicators.all())
    visible = _visible_units(user, a)
    rows = [r for r in services.standings(a) if r.unit.pk in visible]
    fmt = export_format(request)
    if fmt:
        return download(tables.ranking_table(a, rows, indicators), f"{a.title}-排名", fmt)
    consequences = Consequence.objects.visible_to(user).filter(assessment=a).select_related("unit__region")
    hits: dict[int, list[Consequence]] = {}
    for c in consequences:
        hits.setdefault(c.unit_id, []).append(c)
    for r in rows:
        r.consequences = hits.get(r.unit.pk, [])
        r.cells = [(rules.format_score(r.scores.get(i.key)), r.places[i.key]) for i in indicators]
    manage = can_manage(user, a.county_id)
    return render(request, "assessment/assessment.html", {
        "a": a, "whole": whole, "indicators": indicators, "rows": rows, "manage": manage, "level_label": LEVEL_LABELS[a.level],
        "consequences": [(c, task_url(c.task_id)) for c in consequences], "complete": all(r.complete for r in rows) if rows else False,
        "unit_count": a.units.count(),
    })


def _scorer(request, pk: int) -> Assessment:
    """The assessment, for the county organisation department that enters its scores (404 for
    anyone who does not see it, 403 for anyone else)."""
    a = get_visible_or_404(Assessment, request.user, pk=pk)
    permissions.require(
        request.user, services.MANAGE_ROLES, a.county_id, "录入考核得分",
        object_type="assessment.score", object_id=a.pk,
    )
    return a


@role_required(*MANAGE)
@shows_problems
def scores(request, pk: int, problems=()):
    a = _scorer(request, pk)
    indicators = list(a.indicators.all())
    units = list(a.units.select_related("region__parent"))
    township = request.GET.get("township", "")
    towns = []
    if a.level == "village":
        towns = list(Region.objects.filter(code__in={u.region.parent_id for u in units}).order_by("code"))
        if township:
            units = [u for u in units if u.region.parent_id == township]
    current = {(s.unit_id, s.indicator_id): rules.format_score(s.value) for s in Score.objects.filter(unit__assessment=a)}
    typed: dict[str, str] = {}
    entries = []
    if request.method == "POST":
        for u in units:
            for i in indicators:
                name = f"s-{u.region_id}-{i.key}"
                value = request.POST.get(name, "").strip()
                typed[name] = value
                if value != "" and value != current.get((u.pk, i.pk), ""):
                    entries.append(services.ScoreEntry(u.region_id, i.key, value))
    if request.method == "POST" and not problems:
        if not entries:
            messages.info(request, "没有修改任何得分。")
            return redirect("assessment:assessment", pk=a.pk)
        result = services.set_scores(request.user, a, entries)
        messages.success(request, f"已保存 {result['changed']} 项得分。")
        return redirect("assessment:assessment", pk=a.pk)
    grid = [
        {"unit": u, "cells": [(f"s-{u.region_id}-{i.key}", typed.get(f"s-{u.region_id}-{i.key}", current.get((u.pk, i.pk), "")), i) for i in indicators]}
        for u in units
    ]
    return render(request, "assessment/scores.html", {
        "a": a, "indicators": indicators, "grid": grid, "problems": problems, "locked": a.status != "scoring", "towns": towns, "township": township,
    })


@role_required(*MANAGE)
def score_import(request, pk: int):
    a = _scorer(request, pk)
    return import_page(
        request, run=lambda user, data, filename: imports.import_scores(user, a, data, filename),
        done=lambda r: f"导入完成：{r['rows']} 个考核对象、{r['entries']} 项得分，其中 {r['changed']} 项有变化。",
        back=reverse("assessment:assessment", args=[a.pk]), template="assessment/import.html", problems_of=problem_texts,
        context={
            "a": a, "indicators": a.indicators.all(), "locked": a.status != "scoring",
            "template_url": reverse("assessment:assessment", args=[a.pk]) + "?format=xlsx",
        },
    )


@role_required(*MANAGE)
@require_POST
@shows_problems
def finalize(request, pk: int, problems=()):
    a = get_visible_or_404(Assessment, request.user, pk=pk)
    if problems:
        flash_problems(request, problems)
    else:
        services.finalize(request.user, a)
        messages.success(request, "考核已定稿，得分已锁定。")
    return redirect("assessment:assessment", pk=a.pk)


@role_required(*MANAGE)
@require_POST
@shows_problems
def apply(request, pk: int, problems=()):
    a = get_visible_or_404(Assessment, request.user, pk=pk)
    if problems:
        flash_problems(request, problems)
        return redirect("assessment:assessment", pk=a.pk)
    done = services.apply_consequences(request.user, a)
    if done.created:
        messages.success(request, f"已按本县问责规则认定 {len(done.created)} 项考核问责，并列入重点工作台账。")
    else:
        messages.info(request, f"没有新的考核问责（已有 {len(done.existing)} 项）。")
    for note in done.notes:
        messages.warning(request, note)
    return redirect("assessment:assessment", pk=a.pk)


@role_required(*VILLAGE_VIEW)
def consequences(request):
    """Every consequence the user may see in the county, by year (Excel beside it)."""
    county = current_county(request)
    qs = Consequence.objects.visible_to(request.user).select_related("assessment", "unit__region__parent")
    if county is not None:
        qs = qs.filter(assessment__county=county)
    years = sorted(set(qs.values_list("assessment__year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year:
        qs = qs.filter(assessment__year=year)
    qs = qs.order_by("-assessment__year", "rule_key", "unit__region_id")
    fmt = export_format(request)
    if fmt:
        return download(tables.consequences_table(qs[:20000]), f"考核问责-{county.name if county else ''}", fmt)
    page = paginate(request, qs)
    for c in page:
        c.task_link = task_url(c.task_id)
    return render(request, "assessment/consequences.html", {"county": county, "counties": services.counties_offered(request.user), "page": page, "years": years, "year": year})
