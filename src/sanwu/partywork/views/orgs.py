"""Party organisations (the tree, temporary branches, grid branches, commando teams and their
members) and the statistics that feed the brief (organisations by kind and period, talk counts)."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core.codes import region_prefix
from sanwu.core import permissions
from sanwu.core.errors import Refused
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, import_page, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import imports, services
from ..forms import MemberForm, OrgForm
from ..models import PartyOrg, TeamMember
from ..tables import org_counts_table, orgs_table, period_text, talk_counts_table
from .common import PARTY, date_param, party_tabs


# --- organisations -------------------------------------------------------------------------------


@role_required(*PARTY)
def orgs(request):
    user = request.user
    g = request.GET
    f = {k: (g.get(k) or "").strip() for k in ("kind", "region", "q", "active", "on")}
    on = date_param(f["on"], services.today())
    qs = PartyOrg.objects.visible_to(user).select_related("region", "parent").annotate(listed=Count("members"))
    if f["kind"] in services.KIND_LABELS:
        qs = qs.filter(kind=f["kind"])
    if f["region"].isdigit() and len(f["region"]) == 12:
        qs = qs.filter(region__code__startswith=region_prefix(f["region"]))
    if f["q"]:
        qs = qs.filter(Q(name__contains=f["q"]) | Q(region__name__contains=f["q"]))
    if f["active"] == "1":
        qs = qs.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    elif f["active"] == "0":
        qs = qs.filter(end_date__lt=on)
    qs = qs.order_by("region_id", "kind", "name", "id")
    fmt = export_format(request)
    if fmt:
        return download(orgs_table(qs[:50000], user), "党组织", fmt)
    page = paginate(request, qs)
    for o in page:
        o.leader = o.leader_name if services.may_see_names(user, o.region_id) else o.masked_leader
        o.is_active = o.active_on(on)
    townships = list(Region.objects.visible_to(user).filter(level__in=("county", "township")).order_by("code")[:300])
    return render(request, "partywork/orgs.html", {
        "page": page, "f": f, "on": on, "kinds": PartyOrg.KINDS, "townships": townships, "can_add": services.may_write_org_somewhere(user),
        "filtered": any(f[k] for k in ("kind", "region", "q", "active")), "party_tabs": party_tabs(request, "orgs"),
    })


@role_required(*PARTY)
def org_detail(request, pk: int, problems=(), member_form=None):
    user = request.user
    org = get_visible_or_404(PartyOrg, user, pk=pk)
    full = services.may_see_names(user, org.region_id)
    members = list(TeamMember.objects.visible_to(user).filter(org=org).order_by("id"))
    for m in members:
        m.shown = m.name if full else m.masked_name
    children = list(PartyOrg.objects.visible_to(user).filter(parent=org).select_related("region").order_by("kind", "name"))
    may_write = services.may_write_org(user, org.region_id, org.kind)
    return render(request, "partywork/org_detail.html", {
        "org": org, "leader": org.leader_name if full else org.masked_leader, "members": members, "children": children,
        "may_write": may_write, "full_names": full, "member_form": member_form or MemberForm(initial={"is_party_member": True}),
        "problems": problems, "active": org.active_on(services.today()),
    })


def org_form_page(request, org: PartyOrg | None, problems=()):
    user = request.user
    regions = services.org_writer_regions(user)
    if not regions:
        raise Refused("无权设立党组织")
    parents = PartyOrg.objects.visible_to(user).filter(kind__in=services.REGULAR_ORG_KINDS).select_related("region").order_by("region_id", "kind")[:2000]
    if org is not None:
        initial = {
            "name": org.name, "kind": org.kind, "region": org.region_id, "parent": str(org.parent_id or ""), "purpose": org.purpose,
            "start_date": org.start_date, "end_date": org.end_date,
            "leader_name": org.leader_name if services.may_see_names(user, org.region_id) else "", "member_count": org.member_count,
            "note": org.note,
        }
    else:
        initial = {"kind": request.GET.get("kind") or "temporary_branch", "region": request.GET.get("region"), "member_count": 0}
    form = OrgForm(request.POST or None, regions=regions, parents=parents, initial=initial)
    if request.method == "POST" and not problems:
        checked(form)
        values = form.values()
        if org is None:
            saved = services.create_org(user, **values)
        else:
            if not services.may_see_names(user, org.region_id) and not values["leader_name"]:
                values.pop("leader_name")  # a masked leader is kept as it was
            saved = services.update_org(user, org, **values)
        messages.success(request, "已保存。")
        return redirect("partywork:org", saved.pk)
    return render(request, "partywork/org_form.html", {"form": form, "org": org, "problems": problems})


@role_required(*services.ORG_WRITE_ROLES)
@shows_problems
def org_new(request, problems=()):
    return org_form_page(request, None, problems)


@role_required(*services.ORG_WRITE_ROLES)
@shows_problems
def org_edit(request, pk: int, problems=()):
    org = get_visible_or_404(PartyOrg, request.user, pk=pk)
    if not services.may_write_org(request.user, org.region_id, org.kind):
        permissions.refuse(request.user, "partywork.org.update", org.pk, org.region_id)
        raise Refused(f"无权修改「{org.name}」")
    return org_form_page(request, org, problems)


@role_required(*services.ORG_WRITE_ROLES)
def org_import(request):
    """Import a register of organisations (and commando team members) from Excel or CSV."""
    columns = [(names[0], key, key in imports.ORG_REQUIRED) for key, names in imports.ORG_COLUMNS.items() if key not in ("id", "region_name")]
    return import_page(request, run=imports.import_orgs, done=lambda made: f"导入完成：党组织 {len(made)} 个。", back="partywork:orgs",
                       template="partywork/org_import.html", context={"columns": columns, "party_tabs": party_tabs(request, "orgs")})


@role_required(*services.ORG_WRITE_ROLES)
@require_POST
@shows_problems
def member_add(request, pk: int, problems=()):
    org = get_visible_or_404(PartyOrg, request.user, pk=pk)
    form = MemberForm(request.POST)
    if problems:
        return org_detail(request, pk, problems, form)
    d = checked(form)
    services.add_member(request.user, org, name=d["name"], position=d["position"], is_party_member=d["is_party_member"], joined_on=d["joined_on"])
    messages.success(request, "成员已登记。")
    return redirect("partywork:org", org.pk)


@role_required(*services.ORG_WRITE_ROLES)
@require_POST
def member_remove(request, pk: int, member_pk: int):
    org = get_visible_or_404(PartyOrg, request.user, pk=pk)
    member = get_visible_or_404(TeamMember, request.user, pk=member_pk, org=org)
    services.remove_member(request.user, member)
    messages.success(request, "成员已移除。")
    return redirect("partywork:org", org.pk)


# --- statistics (feed the brief) ---------------------------------------------------------------


@role_required(*PARTY)
def stats(request):
    """Organisations by kind (active on a day, set up within a period, with their people) and
    talks by kind in the period. Counts only: no names, no summaries."""
    user = request.user
    t = services.today()
    on = date_param(request.GET.get("on"), t)
    date_from = date_param(request.GET.get("from"), dt.date(t.year, 1, 1))
    date_to = date_param(request.GET.get("to"), t)
    region = (request.GET.get("region") or "").strip()
    region = region if region.isdigit() and len(region) == 12 and Region.objects.visible_to(user).filter(code=region).exists() else None
    org_rows = services.org_counts(user, on=on, date_from=date_from, date_to=date_to, region_code=region)
    talk_rows = services.talk_counts(user, date_from=date_from, date_to=date_to, region_code=region)
    fmt = export_format(request)
    if fmt:
        period = period_text(date_from, date_to)
        if request.GET.get("table") == "talks":
            return download(talk_counts_table(talk_rows, period), f"谈话统计-{period}", fmt)
        return download(org_counts_table(org_rows, on, period), f"党组织统计-{period}", fmt)
    townships = list(Region.objects.visible_to(user).filter(level__in=("city", "county", "township")).order_by("code")[:300])
    brief = {r.kind: r for r in org_rows}
    return render(request, "partywork/stats.html", {
        "org_rows": org_rows, "talk_rows": talk_rows, "talk_total": sum(r.count for r in talk_rows), "on": on,
        "date_from": date_from, "date_to": date_to, "region": region or "", "townships": townships, "brief": brief,
        "can_see_talks": services.may_see_talks(user), "party_tabs": party_tabs(request, "stats"),
    })
