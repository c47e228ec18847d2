"""Pieces the app's pages share: the county a page is about (among `services.counties_offered`),
problems of an import for a page, problems flashed back to the page a form came from, the link to a ledger task, the township filter and the import
page of a county's list."""

from django.urls import reverse

from sanwu.core.codes import county_of, region_prefix
from sanwu.core.errors import Invalid
from sanwu.core.web import current_region_code
from sanwu.core.web import import_page as web_import_page
from sanwu.regions.models import Region

from .. import services
from ..models import VIEW_ROLES, VILLAGE_VIEW_ROLES, AnalysisRound, Assessment, Rectification

VIEW = tuple(sorted(VIEW_ROLES))
VILLAGE_VIEW = tuple(sorted(VILLAGE_VIEW_ROLES))
MANAGE = tuple(sorted(services.MANAGE_ROLES))


def current_county(request) -> Region | None:
    """The county picked (?county=), else the one of the region the user works in, else the
    first with any records, else the first."""
    choices = services.counties_offered(request.user)
    if not choices:
        return None
    by_code = {c.code: c for c in choices}
    want = request.GET.get("county") or request.POST.get("county")
    if want in by_code:
        return by_code[want]
    here = current_region_code(request)
    if here and county_of(here) in by_code:
        return by_code[county_of(here)]
    for c in choices:
        if AnalysisRound.objects.filter(county=c).exists() or Assessment.objects.filter(county=c).exists() or Rectification.objects.filter(county=c).exists():
            return c
    return choices[0]


def problem_texts(exc: Invalid) -> list[str]:
    """An import's problems for its page: a file's name row and column; others just the message."""
    return [str(p) if (p.row is not None or p.file) else p.message for p in exc.problems]


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


def import_page(request, county, *, template: str, run, done, back: str, columns: dict):
    """An import page of a county's list (`core.web.import_page` for one county): the columns, the
    problems by row and column, and on success a message and back to the list."""
    return web_import_page(
        request, run=lambda user, data, filename: run(user, county.code, data, filename), done=done,
        back=reverse(back) + f"?county={county.code}", template=template, problems_of=problem_texts,
        context={
            "county": county, "counties": services.counties_offered(request.user),
            "columns": [(names[0], key) for key, names in columns.items()],
            "export_url": reverse(back) + f"?county={county.code}&status=all&format=xlsx",
        },
    )
