"""Pieces the app's pages share: the county a page is about, problems for a page, refusals, the
link to a ledger task, the township filter, the import page of a county's list, and the
county-level headers (a round, an assessment) or 404."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from sanwu.core.codes import region_level, region_prefix
from sanwu.core.errors import Invalid
from sanwu.core.permissions import refuse
from sanwu.core.scope import grants_of
from sanwu.core.web import current_region_code
from sanwu.core.web import import_page as web_import_page
from sanwu.regions.models import Region

from .. import services
from ..models import VIEW_ROLES, VILLAGE_VIEW_ROLES, AnalysisRound, Assessment, Rectification

VIEW = tuple(sorted(VIEW_ROLES))
VILLAGE_VIEW = tuple(sorted(VILLAGE_VIEW_ROLES))
MANAGE = tuple(sorted(services.MANAGE_ROLES))
NOT_FOUND = "未找到，或不在您的管辖范围内"


def county_choices(user) -> list[Region]:
    """The counties whose lists the user works on (a township's or village's own county)."""
    codes: set[str] = set()
    for g in grants_of(user):
        if g.role not in VILLAGE_VIEW_ROLES:
            continue
        if region_level(g.region_code) in ("city", "province"):
            codes |= set(Region.objects.filter(level="county", code__startswith=g.prefix).values_list("code", flat=True))
        else:
            codes.add(services.county_code_of(g.region_code))
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def current_county(request) -> Region | None:
    """The county picked (?county=), else the one of the region the user works in, else the
    first with any records, else the first."""
    choices = county_choices(request.user)
    if not choices:
        return None
    by_code = {c.code: c for c in choices}
    want = request.GET.get("county") or request.POST.get("county")
    if want in by_code:
        return by_code[want]
    here = current_region_code(request)
    if here and services.county_code_of(here) in by_code:
        return by_code[services.county_code_of(here)]
    for c in choices:
        if AnalysisRound.objects.filter(county=c).exists() or Assessment.objects.filter(county=c).exists() or Rectification.objects.filter(county=c).exists():
            return c
    return choices[0]


def problem_texts(exc: Invalid) -> list[str]:
    """A service's problems for a page: a file's name row and column; a form's just the message."""
    return [str(p) if (p.row is not None or p.file) else p.message for p in exc.problems]


def forbidden(request, what: str, object_id="", region_code: str = ""):
    refuse(request.user, what, object_id, region_code)
    return render(request, "403.html", status=403)


def task_url(task_id: int | None) -> str | None:
    return reverse("partywork:task", args=[task_id]) if task_id else None


def townships_of(county: Region | None, user) -> list[Region]:
    """The county's townships the user sees (for filters)."""
    if county is None:
        return []
    return list(Region.objects.visible_to(user).filter(level="township", code__startswith=region_prefix(county.code)).order_by("code"))


def township_filter(request, county, user) -> tuple[str, list[Region]]:
    towns = townships_of(county, user)
    want = request.GET.get("township", "")
    return (want if want in {t.code for t in towns} else ""), towns


def rounds_for(user, county: Region):
    return services.rounds_visible(user).filter(county=county).order_by("-year", "-number")


def round_or_404(user, pk: int) -> tuple[AnalysisRound, bool]:
    """The round and whether the user sees it whole (`services.round_for`), else 404."""
    found = services.round_for(user, pk)
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def assessment_or_404(user, pk: int) -> tuple[Assessment, bool]:
    found = services.assessment_for(user, pk)
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def import_page(request, county, *, template: str, run, done, back: str, columns: dict):
    """An import page of a county's list (`core.web.import_page` for one county): the columns, the
    problems by row and column, and on success a message and back to the list."""
    return web_import_page(
        request, run=lambda user, data, filename: run(user, county.code, data, filename), done=done,
        back=reverse(back) + f"?county={county.code}", template=template, problems_of=problem_texts,
        context={
            "county": county, "counties": county_choices(request.user),
            "columns": [(names[0], key) for key, names in columns.items()],
            "export_url": reverse(back) + f"?county={county.code}&status=all&format=xlsx",
        },
    )
