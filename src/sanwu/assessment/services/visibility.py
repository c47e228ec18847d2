"""Who may do what in this app, which counties a user is offered, and county-level headers (an
analysis round, an assessment) through the scope gate.

The roles: a role bound to a region covering the object, never the read-only auditor
(`permissions.may` / `require`; the system operator, None, may everything).

A header is scoped by its county, so a township or village user does not see it directly; they
reach it through rows of their own it covers — a round covers every village of its county, an
assessment its units — and then see only those rows. `round_for` / `assessment_for` raise
`NotFound` (audited) where the user reaches nothing: pages answer 404, the API 404 JSON."""

from django.db.models import Q

from sanwu.core import permissions
from sanwu.core.codes import county_of, region_level, region_prefix
from sanwu.core.errors import NotFound
from sanwu.core.scope import grants_of
from sanwu.regions.models import Region

from ..models import VIEW_ROLES, VILLAGE_VIEW_ROLES, AnalysisRound, Assessment, Unit

MANAGE_ROLES = frozenset({"county_supervisor", "city_admin"})  # the county organisation department
RATE_ROLES = MANAGE_ROLES | {"township_supervisor"}  # townships rate their own villages in a round
MEASURE_ROLES = MANAGE_ROLES | {"township_supervisor"}  # townships record rectification measures


def can_manage(user, county_code: str) -> bool:
    """Whether the user works for the county organisation department of that county."""
    return permissions.may(user, MANAGE_ROLES, county_code)


def may_import_rectifications(user, county_code: str) -> bool:
    """The county imports the whole list; a township of the county imports its villages'
    measures (the import itself checks each row)."""
    return can_manage(user, county_code) or any(
        g.role in MEASURE_ROLES and g.region_code.startswith(region_prefix(county_code)) for g in grants_of(user)
    )


def counties_offered(user) -> list[Region]:
    """The counties whose lists the user works on: `permissions.counties_for` through this app's
    roles (a township's or village's own county, a city's counties)."""
    return permissions.county_regions(user, VILLAGE_VIEW_ROLES)


def county_offered(user, county_code: str) -> Region:
    """One of `counties_offered`, or `NotFound` (the refusal audited when the county exists)."""
    return permissions.county_offered(user, county_code, VILLAGE_VIEW_ROLES, "assessment.county")


def header_for(model, user, pk: int, children) -> tuple[object, bool]:
    """(object, True) when the user sees the header directly, (object, False) when only through
    rows of theirs it holds (`children`, already gated); otherwise `NotFound`, the refusal audited
    with the header's county."""
    obj = permissions.visible(model, user).filter(pk=pk).first()
    if obj is not None:
        return obj, True
    if children.exists():
        return model.objects.get(pk=pk), False
    hidden = model.objects.filter(pk=pk).first()
    if hidden is not None:
        permissions.refuse(user, model._meta.label_lower, pk, hidden.county_id)
    raise NotFound()


def round_for(user, pk: int) -> tuple[AnalysisRound, bool]:
    """A round covers every village of its county: a township reaches it through its villages."""
    county = AnalysisRound.objects.filter(pk=pk).values_list("county_id", flat=True).first()
    villages = Region.objects.none()
    if county:
        villages = Region.objects.visible_to(user, set(VIEW_ROLES)).filter(level="village", code__startswith=region_prefix(county))
    return header_for(AnalysisRound, user, pk, villages)


def rounds_visible(user):
    """The rounds a user reaches: their county's, or those covering their township's villages."""
    counties = {
        county_of(g.region_code)
        for g in grants_of(user)
        if g.role in VIEW_ROLES and region_level(g.region_code) in ("township", "village")
    }
    return AnalysisRound.objects.filter(Q(pk__in=permissions.visible(AnalysisRound, user).values("pk")) | Q(county_id__in=counties))


def assessment_for(user, pk: int) -> tuple[Assessment, bool]:
    return header_for(Assessment, user, pk, permissions.visible(Unit, user).filter(assessment_id=pk))


def assessments_visible(user, county: Region):
    """The county's assessments the user sees: directly, or through a unit of theirs."""
    direct = permissions.visible(Assessment, user).filter(county=county)
    via = permissions.visible(Unit, user).filter(assessment__county=county).values("assessment")
    return Assessment.objects.filter(Q(pk__in=direct.values("pk")) | Q(pk__in=via)).order_by("-year", "level")
