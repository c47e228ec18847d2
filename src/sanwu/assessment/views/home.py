"""The app's home page: what the user's county has on its lists, and where to go."""

from django.shortcuts import render

from sanwu.core.codes import region_prefix
from sanwu.core.permissions import holds
from sanwu.core.web import role_required

from .. import services
from ..models import VIEW_ROLES, DifficultVillage, Rectification
from ..services import can_manage
from .common import VILLAGE_VIEW, current_county, rounds_for


@role_required(*VILLAGE_VIEW)
def home(request):
    county = current_county(request)
    user = request.user
    ctx = {"county": county, "counties": services.counties_offered(user), "can_manage": bool(county and can_manage(user, county.code))}
    if county is not None:
        within = region_prefix(county.code)
        ctx.update(
            rounds=rounds_for(user, county).count(),
            difficult=DifficultVillage.objects.visible_to(user).filter(village__code__startswith=within, status="listed").count(),
            rectifying=Rectification.objects.visible_to(user).filter(village__code__startswith=within, status="listed").count(),
            delisted=Rectification.objects.visible_to(user).filter(village__code__startswith=within, status="delisted").count(),
            assessments=services.assessments_visible(user, county).count(),
            sees_rounds=holds(user, VIEW_ROLES),
        )
    return render(request, "assessment/home.html", ctx)
