"""A county's collective-economy rules (`/economy/rules/?county=`): seen by the county, the city
and auditors, edited by the county supervisor (audited)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from sanwu.core.errors import Invalid, Refused
from sanwu.core.permissions import get_visible_or_404, refuse
from sanwu.core.scope import can_write
from sanwu.core.web import current_region_code, role_required
from sanwu.regions.models import Region

from .. import forms, services
from .. import rules as R
from .common import SETTINGS_VIEW_ROLES, base_context, refused


@role_required(*SETTINGS_VIEW_ROLES)
def settings_page(request):
    errors: list[str] = []
    code = request.GET.get("county", "").strip()
    if not code:
        here = current_region_code(request) or ""
        if len(here) == 12 and here[6:] == "000000" and here[4:6] != "00":
            code = here
        else:
            county = Region.objects.visible_to(request.user).filter(level="county").order_by("code").first()
            code = county.code if county else ""
    county = get_visible_or_404(Region, request.user, code=code, level="county")
    s = services.settings_for(county.code)
    may_edit = can_write(request.user, county.code, services.SETTINGS_ROLES)
    problems: list[str] = []
    data = forms.settings_initial(s)
    if request.method == "POST":
        if not may_edit:
            refuse(request.user, "economy.settings", county.code, county.code)
            return refused(request)
        data, values, tiers, problems = forms.read_settings(request.POST)
        if not problems:
            try:
                services.update_settings(request.user, county.code, values, tiers)
            except Refused:
                return refused(request)
            except Invalid as exc:
                problems = exc.messages
            else:
                messages.success(request, f"已保存{county.name}的集体经济规则。")
                return redirect(f"{reverse('economy:settings')}?county={county.code}")
    counties = list(Region.objects.visible_to(request.user).filter(level="county").order_by("code"))
    ctx = base_context(
        request, county, "settings", errors, s=s, data=data, problems=problems, may_edit=may_edit, counties=counties,
        money_fields=[(f, label, hint, data.get(f, "")) for f, label, hint in forms.MONEY_FIELDS],
        measure_choices=forms.MEASURE_CHOICES, role_choices=list(R.OPERATING_ROLE_CHOICES.items()),
        rules=services.rules_of(s),
    )
    return render(request, "economy/settings.html", ctx)
