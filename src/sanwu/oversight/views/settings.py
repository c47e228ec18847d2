"""The county's rule parameters (预警参数): seen by county, city and auditor roles, changed by the
county supervisor."""

from django.contrib import messages
from django.shortcuts import redirect, render

from sanwu.core.codes import region_level
from sanwu.core.errors import Invalid, Refused
from sanwu.core.permissions import get_visible_or_404, refuse
from sanwu.core.scope import can_write, grants_of
from sanwu.core.web import role_required
from sanwu.regions.models import Region

from .. import services
from ..forms import SettingsForm
from ..rules import RULES
from .common import SETTINGS_VIEW_ROLES, render_page


def _counties(user):
    codes = sorted({services.county_of(g.region_code) for g in grants_of(user) if region_level(g.region_code) != "city"})
    qs = Region.objects.visible_to(user).filter(level="county")
    if codes:
        qs = qs.filter(code__in=codes)
    return list(qs.order_by("code"))


@role_required(*SETTINGS_VIEW_ROLES)
def rule_settings(request):
    counties = _counties(request.user)
    code = request.GET.get("county") or (counties[0].code if counties else "")
    county = get_visible_or_404(Region, request.user, code=code, level="county") if code else None
    if county is None:
        return render_page(request, "oversight/settings.html", {"county": None, "counties": counties})
    may_edit = can_write(request.user, county.code, services.SETTINGS_ROLES)
    params = services.params_for(county.code)
    problems = []
    if request.method == "POST":
        if not may_edit:
            refuse(request.user, "oversight.settings", county.code, county.code)
            return render(request, "403.html", status=403)
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.update_params(request.user, county.code, **form.values())
            except Invalid as exc:
                problems = exc.messages
            except Refused:
                return render(request, "403.html", status=403)
            else:
                messages.success(request, f"{county.name}的预警参数已保存。")
                return redirect(f"{request.path}?county={county.code}")
        else:
            problems = [e for errs in form.errors.values() for e in errs]
    else:
        form = SettingsForm(initial=SettingsForm.initial_of(params))
    return render_page(request, "oversight/settings.html",
        {"county": county, "counties": counties, "form": form, "may_edit": may_edit, "problems": problems, "rules": RULES.values(), "params": params},
        status=422 if problems else 200,
    )
