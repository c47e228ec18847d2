"""The cooperatives in scope, one cooperative's page, its roster (masked), the opening import and
the county's rules. Thin: every object through the scope gate, every change through a service."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse

from sanwu.core import permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import PRINTABLE, checked, export_format, import_page, paginate, role_required, shows_problems
from sanwu.ledger.models import Book, Collective

from .. import imports, rules
from ..forms import SettingsForm
from ..models import Household, Member
from ..services import may_keep
from ..services.holdings import totals_by_class
from ..services.permissions import SETTING_ROLES
from ..services.settings import settings_for, update_settings
from ..tables import cooperatives_table, members_table


def collective_or_404(request, pk: int) -> Collective:
    return get_visible_or_404(Collective, request.user, pk=pk)


@role_required()
def coop_list(request):
    qs = (
        Collective.objects.visible_to(request.user).select_related("region")
        .annotate(household_count=Count("households", distinct=True))
        .order_by("region_id", "id")
    )
    text = (request.GET.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(region__name__contains=text) | Q(region_id__startswith=text))
    fmt = export_format(request)
    if fmt:
        return download(cooperatives_table(qs), "股份经济合作社", fmt)
    return render(request, "coop/list.html", {"page": paginate(request, qs), "q": text})


@role_required()
def coop_detail(request, pk: int):
    c = collective_or_404(request, pk)
    people = Member.objects.filter(collective=c)
    ctx = {
        "c": c,
        "households": Household.objects.filter(collective=c).count(),
        "people": people.count(),
        "members": people.filter(is_member=True, left_on__isnull=True).count(),
        "totals": [(cls, rules.format_units(u)) for cls, u in totals_by_class(c)],
        "books": Book.objects.filter(collective=c).order_by("-start_date"),
        "conf": settings_for(c.region_id),
        "may_keep": may_keep(request.user, c),
        "holding_units": rules.HOLDING_UNITS,
    }
    return render(request, "coop/detail.html", ctx)


@role_required()
def members(request, pk: int):
    c = collective_or_404(request, pk)
    qs = Member.objects.filter(collective=c).select_related("household", "person").order_by("household__number", "-is_head", "id")
    text = (request.GET.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(household__number=text) | Q(person__name__contains=text))
    if request.GET.get("status") == "members":
        qs = qs.filter(is_member=True, left_on__isnull=True)
    fmt = export_format(request, PRINTABLE)
    if fmt:
        return download(members_table(qs), f"成员名册-{c.name}", fmt)
    return render(request, "coop/members.html", {"c": c, "page": paginate(request, qs), "q": text, "may_keep": may_keep(request.user, c)})


@role_required("village_accountant")
def import_members(request, pk: int):
    c = collective_or_404(request, pk)
    book = Book.objects.filter(collective=c).order_by("-start_date").first()
    permissions.require(request.user, {"village_accountant"}, c.region_id, "登记本村集体经济组织成员和股权", object_type="coop.import_members")

    def run(user, data, filename):
        if book is None:
            raise Invalid([Problem("本集体经济组织还没有账套：先建立账套，再导入成员名册")])
        return imports.import_members(user, book, data, filename)

    def done(r):
        return f"已导入{r.households}户、{r.people}人（成员{r.members}人），股权登记{r.operations}笔。"

    return import_page(
        request, run=run, done=done, back=reverse("coop:detail", args=[c.pk]), template="coop/import.html",
        context={"c": c, "columns": [(names[0], key, key in imports.REQUIRED) for key, names in imports.COLUMNS.items()], "has_households": Household.objects.filter(collective=c).exists()},
    )


@role_required()
@shows_problems
def county_settings(request, problems=()):
    """The county's rules for its cooperatives: shown for the user's counties, changed by the
    county supervisor."""
    counties = permissions.county_regions(request.user)
    code = request.GET.get("county") or (counties[0].code if counties else "")
    county = permissions.county_offered(request.user, code, what="coop.settings") if code else None
    conf = settings_for(county.code) if county else None
    initial = {}
    if conf is not None:
        initial = {"holding_unit": conf.holding_unit, "management": conf.management}
        initial.update({pct: getattr(conf, bp) / 100 for pct, bp in SettingsForm.RATES.items()})
    form = SettingsForm(request.POST or None, initial=initial)
    may_edit = bool(county) and permissions.may(request.user, SETTING_ROLES, county.code)
    if request.method == "POST" and county and not problems:
        checked(form)
        update_settings(request.user, county.code, **form.values())
        messages.success(request, f"{county.name}的合作社规则已保存。")
        return redirect(f"{request.path}?county={county.code}")
    ctx = {"county": county, "counties": counties, "form": form, "may_edit": may_edit, "problems": problems, "sources": rules.SETTING_SOURCES}
    return render(request, "coop/settings.html", ctx)
