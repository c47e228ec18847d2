"""Pages of team analysis rounds: the county's rounds, one round's villages and their ratings,
rating a village, follow-up tasks and the review of the difficult-villages list.

Thin: forms read what was typed, services decide. Every row comes through the scope gate; a
county-level header (a round) is shown to a township only through rows of its own it holds.
Buttons appear only for those who may use them; the services check again.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanwu.core import permissions
from sanwu.core.codes import region_prefix
from sanwu.core.dates import today
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, flash_problems, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import rules, services, tables
from ..forms import FollowUpForm, RatingForm, RoundForm
from ..models import AnalysisRound, DifficultReview, FollowUp, History, Rating
from ..services import can_manage
from .common import MANAGE, VIEW, current_county, rounds_for, task_url, township_filter


@role_required(*VIEW)
@shows_problems
def rounds(request, problems=()):
    county = current_county(request)
    if county is None:
        return render(request, "assessment/rounds.html", {"county": None, "page": paginate(request, [])})
    user = request.user
    manage = can_manage(user, county.code)
    form = RoundForm(request.POST or None, initial={"held_on": today()})
    if request.method == "POST" and not problems:
        permissions.require(user, services.MANAGE_ROLES, county.code, "组织班子运行分析研判", object_type="view:assessment:rounds:create")
        d = checked(form)
        rnd = services.create_round(user, county.code, d["held_on"], title=d["title"], summary=d["summary"])
        messages.success(request, f"已建立「{rnd.title}」。")
        return redirect("assessment:round", pk=rnd.pk)
    qs = rounds_for(user, county)
    total_villages = Region.objects.visible_to(user).filter(level="village", code__startswith=region_prefix(county.code)).count()
    visible_ratings = Rating.objects.visible_to(user)
    counts = defaultdict(Counter)
    for round_id, rating in visible_ratings.filter(round__in=qs).values_list("round_id", "rating"):
        counts[round_id][rating] += 1
    rows = list(qs)
    for r in rows:
        r.counts = {k: counts[r.pk].get(k, 0) for k in rules.RATINGS}
        r.rated = sum(counts[r.pk].values())
    fmt = export_format(request)
    if fmt:
        return download(tables.rounds_table(rows, total_villages), f"班子运行分析研判-{county.name}", fmt)
    return render(request, "assessment/rounds.html", {
        "county": county, "counties": services.counties_offered(user), "page": paginate(request, rows), "form": form, "can_manage": manage,
        "problems": problems, "total_villages": total_villages, "ratings": rules.RATINGS,
    })


@role_required(*VIEW)
def round_detail(request, pk: int):
    rnd, whole = services.round_for(request.user, pk)
    user = request.user
    manage = can_manage(user, rnd.county_id)
    villages = Region.objects.visible_to(user).filter(level="village", code__startswith=region_prefix(rnd.county_id)).select_related("parent")
    township, towns = township_filter(request, rnd.county, user)
    if township:
        villages = villages.filter(parent_id=township)
    ratings = {r.village_id: r for r in Rating.objects.visible_to(user).filter(round=rnd)}
    want = request.GET.get("rating", "")
    if want == "none":
        villages = villages.exclude(code__in=list(ratings))
    elif want in rules.RATINGS:
        villages = villages.filter(code__in=[c for c, r in ratings.items() if r.rating == want])
    q = request.GET.get("q", "").strip()
    if q:
        villages = villages.filter(Q(name__contains=q) | Q(parent__name__contains=q))
    rows = [{"village": v, "rating": ratings.get(v.code)} for v in villages.order_by("code")]
    fmt = export_format(request)
    if fmt:
        return download(tables.round_results_table(rnd, rows), f"研判结果-{rnd.title}", fmt)
    dist = Counter(r.rating for r in ratings.values())
    follow_ups = FollowUp.objects.visible_to(user).filter(round=rnd).select_related("region__parent")
    fu_form = None
    if manage:
        targets = Region.objects.filter(code__startswith=region_prefix(rnd.county_id), level__in=("township", "village")).select_related("parent").order_by("code")
        fu_form = FollowUpForm(regions=targets, initial={"deadline": max(rnd.held_on, today()) + dt.timedelta(days=30)})
    return render(request, "assessment/round.html", {
        "round": rnd, "whole": whole, "page": paginate(request, rows), "manage": manage,
        "can_rate": rnd.status == "open" and (manage or any(permissions.may(user, {"township_supervisor"}, t.code) for t in towns)),
        "dist": [(k, label, dist.get(k, 0)) for k, label in rules.RATINGS.items()], "rated": len(ratings),
        "follow_ups": [(f, task_url(f.task_id)) for f in follow_ups], "fu_form": fu_form, "towns": towns, "township": township,
        "rating_filter": want, "q": q, "ratings": rules.RATINGS,
        "history": History.objects.visible_to(user).filter(kind="round", object_id=rnd.pk).select_related("actor") if whole else [],
    })


@role_required(*services.RATE_ROLES)
@shows_problems
def rate(request, pk: int, code: str, problems=()):
    rnd, _ = services.round_for(request.user, pk)
    village = get_visible_or_404(Region, request.user, code=code, level="village")
    if not village.code.startswith(region_prefix(rnd.county_id)):
        raise Http404("该村不在本轮研判范围内")
    permissions.require(
        request.user, services.RATE_ROLES, village.code, f"研判{village.name}",
        object_type="assessment.rating", object_id=village.code,
    )
    current = Rating.objects.filter(round=rnd, village=village).first()
    initial = {"rating": current.rating, "findings": current.findings} if current else {}
    if current:
        initial.update({f"c{i}": current.criteria.get(name, "") for i, name in enumerate(rnd.criteria)})
    form = RatingForm(request.POST or None, criteria=rnd.criteria, initial=initial)
    if request.method == "POST" and not problems:
        d = checked(form)
        services.rate_village(request.user, rnd, village.code, d["rating"], criteria=form.criteria_values(), findings=d["findings"])
        messages.success(request, f"已保存{village.name}的研判结果。")
        return redirect(reverse("assessment:round", args=[rnd.pk]) + (f"?township={village.parent_id}" if village.parent_id else ""))
    earlier = Rating.objects.visible_to(request.user).filter(village=village).exclude(round=rnd).select_related("round").order_by("-round__held_on")
    return render(request, "assessment/rate.html", {"round": rnd, "village": village, "form": form, "problems": problems, "earlier": earlier, "locked": rnd.status != "open"})


@role_required(*MANAGE)
@require_POST
@shows_problems
def follow_up(request, pk: int, problems=()):
    rnd = get_visible_or_404(AnalysisRound, request.user, pk=pk)
    permissions.require(
        request.user, services.MANAGE_ROLES, rnd.county_id, "布置研判后续任务",
        object_type="assessment.followup", object_id=rnd.pk,
    )
    if problems:
        flash_problems(request, problems)
        return redirect("assessment:round", pk=rnd.pk)
    targets = Region.objects.filter(code__startswith=region_prefix(rnd.county_id), level__in=("township", "village")).select_related("parent")
    d = checked(FollowUpForm(request.POST, regions=targets))
    services.add_follow_up(request.user, rnd, d["region"], d["title"], d["deadline"], d["description"])
    messages.success(request, "已布置后续任务，并列入重点工作台账。")
    return redirect("assessment:round", pk=rnd.pk)


@role_required(*VIEW)
@shows_problems
def review(request, pk: int, problems=()):
    rnd = get_visible_or_404(AnalysisRound, request.user, pk=pk)
    manage = can_manage(request.user, rnd.county_id)
    if request.method == "POST" and not problems:
        permissions.require(
            request.user, services.MANAGE_ROLES, rnd.county_id, "复核重点难点村清单",
            object_type="assessment.review", object_id=rnd.pk,
        )
        decisions = {k[2:]: v for k, v in request.POST.items() if k.startswith("o-") and v}
        notes = {k[2:]: v for k, v in request.POST.items() if k.startswith("n-") and v}
        result = services.review_round(request.user, rnd, decisions, notes)
        if result["already"]:
            messages.info(request, "本轮已复核过清单。")
        else:
            messages.success(request, "已复核重点难点村清单：" + "，".join(f"{rules.OUTCOMES[k]} {result[k]} 个" for k in rules.OUTCOMES))
        return redirect("assessment:review", pk=rnd.pk)
    labels = {**rules.OUTCOMES, "not_listed": "不列入"}
    if rnd.status == "reviewed":
        done = DifficultReview.objects.visible_to(request.user).filter(round=rnd).select_related("entry__village__parent").order_by("entry__village_id")
        return render(request, "assessment/review.html", {"round": rnd, "done": done, "manage": manage, "labels": labels})
    proposals = [p for p in services.review_proposals(rnd) if Region.objects.visible_to(request.user).filter(code=p.village.code).exists()]
    return render(request, "assessment/review.html", {"round": rnd, "proposals": proposals, "manage": manage, "labels": labels, "problems": problems})
