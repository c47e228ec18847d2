"""Dispatch meetings (调度会) and inspections (督导): the list with its download, and recording one
against the tasks it took up."""

from django.contrib import messages
from django.shortcuts import redirect, render

from sanwu.core.errors import Refused
from sanwu.core.scope import grants_of
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import services
from ..forms import MeetingForm
from ..models import Meeting, MeetingItem, Task
from ..tables import meetings_table
from .common import ASSIGN_ROLES, PARTY, tabs_context


@role_required(*PARTY)
def meetings(request):
    qs = Meeting.objects.visible_to(request.user).select_related("region", "created_by").order_by("-date", "-id")
    kind = request.GET.get("kind", "")
    if kind in services.MEETING_LABELS:
        qs = qs.filter(kind=kind)
    fmt = export_format(request)
    if fmt:
        found = list(qs[:20000])
        titles = {m.pk: [i.task.title for i in MeetingItem.objects.visible_to(request.user).filter(meeting=m).select_related("task")] for m in found}
        return download(meetings_table(found, titles), "调度会与督导", fmt)
    page = paginate(request, qs)
    for m in page:
        m.task_items = list(MeetingItem.objects.visible_to(request.user).filter(meeting=m).select_related("task"))
    return render(request, "partywork/meetings.html", {**tabs_context(request, "meetings"), "page": page, "kind": kind, "kinds": Meeting.KINDS})


@role_required(*ASSIGN_ROLES)
@shows_problems
def meeting_new(request, problems=()):
    regions = [r for r in Region.objects.visible_to(request.user).filter(level__in=("city", "county", "township")).order_by("code")[:500]
               if any(g.region_code == r.code and g.role in services.ASSIGN_ROLES for g in grants_of(request.user))]
    if not regions:
        raise Refused("无权记录调度会或督导")
    tasks = list(Task.objects.visible_to(request.user).filter(status__in=Task.OPEN).select_related("region").order_by("deadline", "id")[:500])
    initial = {"date": services.today(), "kind": request.GET.get("kind") or "dispatch"}
    if request.GET.get("task"):
        initial["tasks"] = [request.GET["task"]]
    form = MeetingForm(request.POST or None, regions=regions, tasks=tasks, initial=initial)
    if request.method == "POST" and not problems:
        d = checked(form)
        services.record_meeting(request.user, kind=d["kind"], title=d["title"], date=d["date"], region_code=d["region"],
                                note=d["note"], task_ids=[int(i) for i in d["tasks"]])
        messages.success(request, "已记录。")
        return redirect("partywork:meetings")
    return render(request, "partywork/meeting_form.html", {**tabs_context(request, "meetings"), "form": form, "problems": problems})
