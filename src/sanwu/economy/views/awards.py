"""The incentive pages: the award list of a region's year (with its download), a village's award
with the decision it rests on and its trail, and the township's approve / reject and the county's
revoke."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core.errors import Invalid
from sanwu.core.permissions import get_visible_or_404, may
from sanwu.core.tables import download
from sanwu.core.web import export_format, flash_problems, paginate, role_required, shows_problems
from sanwu.decisions import services as decision_services
from sanwu.regions.models import Region

from .. import services, tables
from ..models import CadreReward
from .common import base_context, region_param, year_param


@role_required()
def awards(request):
    errors: list[str] = []
    region = region_param(request, errors)
    year, years = year_param(request, region, errors)
    rows = services.award_rows(request.user, region, year)
    fmt = export_format(request)
    if fmt:
        return download(tables.awards_table(rows, f"奖励名单{year}"), f"集体经济奖励名单-{region.name}-{year}年", fmt)
    for a in rows:
        a.can_decide = may(request.user, services.APPROVE_ROLES, a.village.code)
    totals = {
        "volume": sum(a.volume for a in rows),
        "increment": sum(a.increment for a in rows),
        "cadre": sum(a.cadre for a in rows),
        "granted": sum(a.cadre_granted for a in rows),
        "total": sum(a.total for a in rows),
    }
    ctx = base_context(request, region, "awards", errors, year=year, years=years, rows=rows, totals=totals, page=paginate(request, rows))
    return render(request, "economy/awards.html", ctx)


@role_required()
def award(request, village: str, year: int):
    region = get_visible_or_404(Region, request.user, code=village, level="village")
    try:
        services.check_year(year)
    except Invalid:
        raise Http404("年份无效") from None
    vy = services.village_year(request.user, region, year)
    decision = CadreReward.objects.visible_to(request.user).filter(village=region, year=year).select_related("matter").first()
    matter = services.decision_for(region.code, year)
    row = services.AwardRow(vy, matter, decision) if vy is not None else None
    ctx = base_context(
        request, region, "awards", [], year=year, vy=vy, row=row, decision=decision, matter=matter,
        matters=services.cadre_matters(request.user, region.code, year),
        events=services.reward_events(request.user, region.code, year),
        can_decide=may(request.user, services.APPROVE_ROLES, region.code),
        can_revoke=may(request.user, services.REVOKE_ROLES, region.code),
        can_propose=may(request.user, decision_services.RECORD_ROLES, region.code),
    )
    return render(request, "economy/award.html", ctx)


ACTIONS = {"approve": services.approve_cadre_reward, "reject": services.reject_cadre_reward, "revoke": services.revoke_cadre_reward}


@role_required()
@require_POST
@shows_problems
def award_action(request, village: str, year: int, action: str, problems=()):
    region = get_visible_or_404(Region, request.user, code=village, level="village")
    if action not in ACTIONS:
        raise Http404("未知操作")
    if problems:
        flash_problems(request, problems)
    else:
        reward = ACTIONS[action](request.user, region.code, year, request.POST.get("reason", "").strip())
        messages.success(request, f"{region.name}{year}年度村干部奖励：{reward.get_status_display()}。")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("economy:award", village=region.code, year=year)
