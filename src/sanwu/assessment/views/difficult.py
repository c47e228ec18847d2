"""Pages of the difficult-villages list: the county's list (Excel beside it), one village's entry
with its task force and reviews, and the list's import."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render

from sanwu.core import permissions
from sanwu.core.errors import NotFound
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems

from .. import imports, rules, services, tables
from ..forms import TaskForceForm
from ..models import DifficultVillage, History, Rating
from ..services import can_manage
from .common import MANAGE, VIEW, current_county, import_page, task_url, township_filter


@role_required(*VIEW)
def difficult_list(request):
    county = current_county(request)
    user = request.user
    qs = DifficultVillage.objects.visible_to(user).select_related("village__parent", "listed_round", "removed_round").prefetch_related("reviews__round")
    if county is not None:
        qs = qs.filter(county=county)
    status = request.GET.get("status", "listed")
    if status in ("listed", "removed"):
        qs = qs.filter(status=status)
    township, towns = township_filter(request, county, user)
    if township:
        qs = qs.filter(village__parent_id=township)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(village__name__contains=q) | Q(leader__contains=q) | Q(members__contains=q))
    qs = qs.order_by("village_id", "-id")
    fmt = export_format(request)
    if fmt:
        return download(tables.difficult_table(qs[:20000]), f"重点难点村清单-{county.name if county else ''}", fmt)
    return render(request, "assessment/difficult_list.html", {
        "county": county, "counties": services.counties_offered(user), "page": paginate(request, qs), "status": status, "towns": towns,
        "township": township, "q": q, "outcomes": rules.OUTCOMES, "can_manage": bool(county and can_manage(user, county.code)),
    })


@role_required(*VIEW)
@shows_problems
def difficult_detail(request, pk: int, problems=()):
    entry = get_visible_or_404(DifficultVillage, request.user, pk=pk)
    manage = can_manage(request.user, entry.county_id)
    form = TaskForceForm(request.POST or None, initial={"leader": entry.leader, "members": entry.members, "problems": entry.problems})
    if request.method == "POST" and not problems:
        permissions.require(
            request.user, services.MANAGE_ROLES, entry.village_id, "安排专班", object_type="assessment.difficultvillage", object_id=entry.pk
        )
        d = checked(form)
        services.assign_task_force(request.user, entry, leader=d["leader"], members=d["members"], problems_text=d["problems"])
        messages.success(request, "已保存专班安排。")
        return redirect("assessment:difficult", pk=entry.pk)
    ratings = Rating.objects.visible_to(request.user).filter(village=entry.village).select_related("round").order_by("round__held_on")
    others = DifficultVillage.objects.visible_to(request.user).filter(village=entry.village).exclude(pk=entry.pk).select_related("listed_round", "removed_round")
    return render(request, "assessment/difficult.html", {
        "entry": entry, "reviews": entry.reviews.select_related("round").order_by("round__held_on", "id"), "ratings": ratings, "others": others,
        "form": form if manage and entry.status == "listed" else None, "problems": problems, "task_url": task_url(entry.task_id),
        "history": History.objects.visible_to(request.user).filter(kind="difficult", object_id=entry.pk).select_related("actor"),
        "members": [m for m in entry.members.splitlines() if m.strip()], "outcomes": rules.OUTCOMES,
    })


@role_required(*MANAGE)
def difficult_import(request):
    county = current_county(request)
    if county is None:
        raise NotFound()
    permissions.require(
        request.user, services.MANAGE_ROLES, county.code, "导入重点难点村清单", object_type="assessment.difficultvillage.import"
    )
    return import_page(
        request, county, template="assessment/difficult_import.html", run=imports.import_difficult, back="assessment:difficult_list",
        columns={k: v for k, v in imports.DIFFICULT_COLUMNS.items() if k not in ("removed_round", "history")},
        done=imports.difficult_summary,
    )
