"""County-level headers (an analysis round, an assessment) through the scope gate.

A header is scoped by its county, so a township or village user does not see it directly; they
reach it through rows of their own it covers — a round covers every village of its county, an
assessment its units — and then see only those rows. Pages and the API use these functions."""

from django.db.models import Q
from django.http import Http404

from sanwu.core.codes import region_level, region_prefix
from sanwu.core.gate import refuse
from sanwu.core.scope import grants_of
from sanwu.regions.models import Region

from .models import VIEW_ROLES, AnalysisRound, Assessment, Unit


def header_or_404(model, user, pk: int, children) -> tuple[object, bool]:
    """(object, True) when the user sees the header directly, (object, False) when only through
    rows of theirs it holds (`children`, already gated); otherwise 404, the refusal audited."""
    obj = model.objects.visible_to(user).filter(pk=pk).first()
    if obj is not None:
        return obj, True
    if children.exists():
        return model.objects.get(pk=pk), False
    hidden = model.objects.filter(pk=pk).first()
    if hidden is not None:
        refuse(user, model._meta.label_lower, pk, getattr(hidden, "county_id", ""))
    raise Http404("未找到，或不在您的管辖范围内")


def round_or_404(user, pk: int) -> tuple[AnalysisRound, bool]:
    """A round covers every village of its county: a township reaches it through its villages."""
    county = AnalysisRound.objects.filter(pk=pk).values_list("county_id", flat=True).first()
    villages = Region.objects.none()
    if county:
        villages = Region.objects.visible_to(user, set(VIEW_ROLES)).filter(level="village", code__startswith=region_prefix(county))
    return header_or_404(AnalysisRound, user, pk, villages)


def rounds_visible(user):
    """The rounds a user reaches: their county's, or those covering their township's villages."""
    counties = {
        g.region_code[:6] + "000000"
        for g in grants_of(user)
        if g.role in VIEW_ROLES and region_level(g.region_code) in ("township", "village")
    }
    return AnalysisRound.objects.filter(Q(pk__in=AnalysisRound.objects.visible_to(user).values("pk")) | Q(county_id__in=counties))


def assessment_or_404(user, pk: int) -> tuple[Assessment, bool]:
    return header_or_404(Assessment, user, pk, Unit.objects.visible_to(user).filter(assessment_id=pk))
