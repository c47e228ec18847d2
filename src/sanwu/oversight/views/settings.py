"""The county's rule parameters (预警参数): shown to everyone for the counties their regions lie in
(`permissions.counties_for`: a township's or village's own county too), changed by the county
supervisor only."""

from django.contrib import messages
from django.shortcuts import redirect

from sanwu.core import permissions
from sanwu.core.web import checked, role_required, shows_problems

from .. import services
from ..forms import SettingsForm
from ..rules import RULES
from .common import render_page


@role_required()
@shows_problems
def rule_settings(request, problems=()):
    counties = services.counties_offered(request.user)
    code = request.GET.get("county") or (counties[0].code if counties else "")
    if not code:
        return render_page(request, "oversight/settings.html", {"county": None, "counties": counties})
    county = services.county_offered(request.user, code)
    may_edit = permissions.may(request.user, services.SETTINGS_ROLES, county.code)
    params = services.params_for(county.code)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_of(params))
    if request.method == "POST" and not problems:
        permissions.require(
            request.user, services.SETTINGS_ROLES, county.code, "修改该县的预警参数", object_type="oversight.settings", object_id=county.code
        )
        checked(form)
        services.update_params(request.user, county.code, **form.values())
        messages.success(request, f"{county.name}的预警参数已保存。")
        return redirect(f"{request.path}?county={county.code}")
    return render_page(request, "oversight/settings.html",
        {"county": county, "counties": counties, "form": form, "may_edit": may_edit, "problems": problems, "rules": RULES.values(), "params": params},
    )
