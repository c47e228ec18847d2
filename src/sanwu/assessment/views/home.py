"""The app's home page: what the user's county has on its lists, and where to go."""

from django.shortcuts import render

from sanwu.core.codes import region_prefix
from sanwu.core.scope import grants_of
from sanwu.core.web import role_required
from sanwu.regions.models import Region

from .. import services
from ..models import VIEW_ROLES, DifficultVillage, Rectification
from ..services import can_manage
from .common import VILLAGE_VIEW, county_choices, current_county, rounds_for


@role_required(*VILLAGE_VIEW)
def home(request):
    county = current_county(request)
    user = request.user
    ctx = {"county": county, "counties": county_choices(user), "can_manage": bool(county and can_manage(user, county.code))}
    if county is not None:
        within = region_prefix(county.code)
        ctx.update(
            rounds=rounds_for(user, county).count(),
            difficult=DifficultVillage.objects.visible_to(user).filter(village__code__startswith=within, status="listed").count(),
            rectifying=Rectification.objects.visible_to(user).filter(village__code__startswith=within, status="listed").count(),
            delisted=Rectification.objects.visible_to(user).filter(village__code__startswith=within, status="delisted").count(),
            assessments=services.assessments_visible(user, county).count(),
            sees_rounds=bool(set(VIEW_ROLES) & {g.role for g in grants_of(user)}),
            sees_settings=Region.objects.visible_to(user).filter(code=county.code).exists(),
        )
    return render(request, "assessment/home.html", ctx)
