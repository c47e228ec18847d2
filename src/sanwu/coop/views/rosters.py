"""Members added and ended after the opening roster, and the roster's versions: drafted by the
accountant, confirmed by the members' meeting, filed with and acknowledged by the township."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import PRINTABLE, checked, export_format, role_required, shows_problems
from sanwu.decisions.models import Matter

from .. import rules
from ..forms import ConfirmRosterForm, LeaveForm, MemberForm
from ..models import Member, Roster, RosterEvent
from ..services import members as service
from ..services.permissions import BOARD_ROLES, KEEP_ROLES, TOWNSHIP_ROLES
from ..tables import roster_table
from .members import collective_or_404


@role_required(*KEEP_ROLES)
@shows_problems
def member_new(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    permissions.require(request.user, KEEP_ROLES, c.region_id, "登记集体经济组织成员", object_type="coop.member.add")
    form = MemberForm(request.POST or None)
    if request.method == "POST" and not problems:
        d = checked(form)
        m = service.add_member(
            request.user, c, d["household"], d["name"], d["id_number"], d["relation"], join_reason=d["join_reason"],
            joined_on=d["joined_on"], is_member=d["is_member"],
        )
        messages.success(request, f"已登记{m.household.number}户{m.person.masked_name}。")
        return redirect("coop:members", c.pk)
    return render(request, "coop/member_form.html", {"c": c, "form": form, "problems": problems})


@role_required(*KEEP_ROLES)
@shows_problems
def member_leave(request, pk: int, member: int, problems=()):
    c = collective_or_404(request, pk)
    m = get_visible_or_404(Member, request.user, pk=member, collective=c)
    permissions.require(request.user, KEEP_ROLES, c.region_id, "登记成员身份丧失", object_type="coop.member.leave")
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and not problems:
        d = checked(form)
        service.end_membership(request.user, m, d["reason"], d["on"], d["note"])
        messages.success(request, f"已登记{m.person.masked_name}丧失成员身份。")
        return redirect("coop:members", c.pk)
    return render(request, "coop/member_leave.html", {"c": c, "m": m, "form": form, "problems": problems, "not_ending": rules.NOT_ENDING})


@role_required()
def rosters(request, pk: int):
    c = collective_or_404(request, pk)
    ctx = {"c": c, "rosters": Roster.objects.filter(collective=c).order_by("-version"), "may_keep": permissions.may(request.user, KEEP_ROLES, c.region_id)}
    return render(request, "coop/rosters.html", ctx)


@role_required()
@shows_problems
def roster_detail(request, pk: int, version: int, problems=()):
    c = collective_or_404(request, pk)
    r = get_visible_or_404(Roster, request.user, collective=c, version=version)
    table = roster_table(r)
    fmt = export_format(request, PRINTABLE)
    if fmt:
        return download(table, f"成员名册-{c.name}-第{r.version}版", fmt)
    user = request.user
    matters = Matter.objects.filter(village_id=c.region_id, purpose="membership").exclude(status="abandoned").order_by("-year", "-id")[:50]
    ctx = {
        "c": c, "r": r, "table": table, "problems": problems, "intact": service.is_intact(r), "status": rules.ROSTER_STATUSES[r.status],
        "events": RosterEvent.objects.filter(roster=r).select_related("actor"),
        "can_confirm": r.status == "draft" and permissions.may(user, BOARD_ROLES, c.region_id),
        "can_file": r.status == "confirmed" and permissions.may(user, KEEP_ROLES | BOARD_ROLES, c.region_id),
        "can_acknowledge": r.status == "filed" and permissions.may(user, TOWNSHIP_ROLES, c.region_id),
        "confirm_form": ConfirmRosterForm(matters=matters),
    }
    return render(request, "coop/roster.html", ctx)


@require_POST
@role_required(*KEEP_ROLES)
@shows_problems
def roster_draft(request, pk: int, problems=()):
    c = collective_or_404(request, pk)
    if problems:
        return rosters(request, pk)
    r = service.draft_roster(request.user, c)
    messages.success(request, f"已生成第{r.version}版成员名册（{r.members_count}名成员），待成员大会确认。")
    return redirect("coop:roster", c.pk, r.version)


def _act(request, pk: int, version: int, act, done: str, problems=()):
    c = collective_or_404(request, pk)
    r = get_visible_or_404(Roster, request.user, collective=c, version=version)
    if problems:
        return roster_detail(request, pk, version, problems=problems)
    act(r)
    messages.success(request, done)
    return redirect("coop:roster", c.pk, r.version)


@require_POST
@role_required(*BOARD_ROLES)
@shows_problems
def roster_confirm(request, pk: int, version: int, problems=()):
    def act(r):
        matter_pk = request.POST.get("matter")
        matter = Matter.objects.filter(pk=matter_pk, village_id=r.collective.region_id).first() if (matter_pk or "").isdigit() else None
        service.confirm_roster(request.user, r, matter)

    return _act(request, pk, version, act, "已记录成员大会确认成员名册。", problems)


@require_POST
@role_required(*(KEEP_ROLES | BOARD_ROLES))
@shows_problems
def roster_file(request, pk: int, version: int, problems=()):
    return _act(request, pk, version, lambda r: service.file_roster(request.user, r), "成员名册已报乡镇备案。", problems)


@require_POST
@role_required(*TOWNSHIP_ROLES)
@shows_problems
def roster_acknowledge(request, pk: int, version: int, problems=()):
    return _act(request, pk, version, lambda r: service.acknowledge_roster(request.user, r), "已确认成员名册备案。", problems)
