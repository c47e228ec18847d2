"""A county's collective-economy rules (`/economy/rules/?county=`): seen by the county, the city
and auditors, edited by the county supervisor (audited)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from sanwu.core import permissions
from sanwu.core.errors import Invalid
from sanwu.core.web import current_region_code, role_required, shows_problems
from sanwu.regions.models import Region

from .. import forms, services
from .. import rules as R
from .common import SETTINGS_VIEW_ROLES, base_context


@role_required(*SETTINGS_VIEW_ROLES)
@shows_problems
def settings_page(request, problems=()):
    errors: list[str] = []
    counties = permissions.county_regions(request.user)
    code = request.GET.get("county", "").strip()
    if not code:
        here = current_region_code(request) or ""
        if here in {c.code for c in counties}:
            code = here
        else:
            code = counties[0].code if counties else ""
    county = permissions.get_visible_or_404(Region, request.user, code=code, level="county")
    s = services.settings_for(county.code)
    may_edit = permissions.may(request.user, services.SETTINGS_ROLES, county.code)
    data = forms.settings_initial(s)
    if request.method == "POST":
        permissions.require(
            request.user, services.SETTINGS_ROLES, county.code, f"修改集体经济规则（{county.code}）",
            object_type="economy.settings", object_id=county.code,
        )
        data, values, tiers, form_problems = forms.read_settings(request.POST)
        if not problems:
            if form_problems:
                raise Invalid(form_problems)
            services.update_settings(request.user, county.code, values, tiers)
            messages.success(request, f"已保存{county.name}的集体经济规则。")
            return redirect(f"{reverse('economy:settings')}?county={county.code}")
    ctx = base_context(
        request, county, "settings", errors, s=s, data=data, problems=problems, may_edit=may_edit, counties=counties,
        money_fields=[(f, label, hint, data.get(f, "")) for f, label, hint in forms.MONEY_FIELDS],
        measure_choices=forms.MEASURE_CHOICES, role_choices=list(R.OPERATING_ROLE_CHOICES.items()),
        rules=services.rules_of(s),
    )
    return render(request, "economy/settings.html", ctx)
