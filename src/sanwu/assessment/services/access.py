"""Who may do what in this app, and county-level headers (an analysis round, an assessment)
through the scope gate.

The roles: a role bound to a region covering the object; never the read-only auditor. `require`
lets the system operator (None: CLI, demo) through and otherwise refuses, audited, with
`Refused`.

A header is scoped by its county, so a township or village user does not see it directly; they
reach it through rows of their own it covers — a round covers every village of its county, an
assessment its units — and then see only those rows. Pages and the API use these functions and
answer 404 where they find nothing."""

from django.db.models import Q

from sanwu.core.codes import region_level, region_prefix
from sanwu.core.errors import Refused
from sanwu.core.permissions import refuse
from sanwu.core.scope import can_write, grants_of
from sanwu.regions.models import Region

from ..models import VIEW_ROLES, AnalysisRound, Assessment, Unit
from .common import county_code_of

MANAGE_ROLES = frozenset({"county_supervisor", "city_admin"})  # the county organisation department
RATE_ROLES = MANAGE_ROLES | {"township_supervisor"}  # townships rate their own villages in a round
MEASURE_ROLES = MANAGE_ROLES | {"township_supervisor"}  # townships record rectification measures


def require(user, region_code: str, roles, what: str, object_type: str, object_id="") -> None:
    """The system operator may; otherwise one of `roles` must cover `region_code`."""
    if user is None or can_write(user, region_code, set(roles)):
        return
    refuse(user, object_type, object_id, region_code)
    raise Refused(f"无权{what}")


def can_manage(user, county_code: str) -> bool:
    """Whether the user works for the county organisation department of that county."""
    return can_write(user, county_code, set(MANAGE_ROLES))


def header_for(model, user, pk: int, children) -> tuple[object, bool] | None:
    """(object, True) when the user sees the header directly, (object, False) when only through
    rows of theirs it holds (`children`, already gated); otherwise None, the refusal audited."""
    obj = model.objects.visible_to(user).filter(pk=pk).first()
    if obj is not None:
        return obj, True
    if children.exists():
        return model.objects.get(pk=pk), False
    hidden = model.objects.filter(pk=pk).first()
    if hidden is not None:
        refuse(user, model._meta.label_lower, pk, hidden.county_id)
    return None


def round_for(user, pk: int) -> tuple[AnalysisRound, bool] | None:
    """A round covers every village of its county: a township reaches it through its villages."""
    county = AnalysisRound.objects.filter(pk=pk).values_list("county_id", flat=True).first()
    villages = Region.objects.none()
    if county:
        villages = Region.objects.visible_to(user, set(VIEW_ROLES)).filter(level="village", code__startswith=region_prefix(county))
    return header_for(AnalysisRound, user, pk, villages)


def rounds_visible(user):
    """The rounds a user reaches: their county's, or those covering their township's villages."""
    counties = {
        county_code_of(g.region_code)
        for g in grants_of(user)
        if g.role in VIEW_ROLES and region_level(g.region_code) in ("township", "village")
    }
    return AnalysisRound.objects.filter(Q(pk__in=AnalysisRound.objects.visible_to(user).values("pk")) | Q(county_id__in=counties))


def assessment_for(user, pk: int) -> tuple[Assessment, bool] | None:
    return header_for(Assessment, user, pk, Unit.objects.visible_to(user).filter(assessment_id=pk))


def assessments_visible(user, county: Region):
    """The county's assessments the user sees: directly, or through a unit of theirs."""
    direct = Assessment.objects.visible_to(user).filter(county=county)
    via = Unit.objects.visible_to(user).filter(assessment__county=county).values("assessment")
    return Assessment.objects.filter(Q(pk__in=direct.values("pk")) | Q(pk__in=via)).order_by("-year", "level")
