"""The task-ledger pages (重点工作台账): the lists (mine, monthly list, overdue, awaiting
verification, all), a task with its closed loop and history, assigning and importing. Thin:
services decide; every object comes through the scope gate; buttons appear only for those who
may use them."""

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Refused
from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, import_page, paginate, role_required, shows_problems
from sanwu.regions.models import Region

from .. import imports, services
from ..forms import EvidenceForm, ExtendForm, ImportForm, ReasonForm, ReassignForm, ReportForm, TaskForm, VerifyForm
from ..models import MeetingItem, Task, TaskOwner
from ..tables import task_table
from .common import ASSIGN_ROLES, LIST_VIEWS, PARTY, int_param, tabs_context

EMPTY = {
    "mine": "您名下没有任务：既没有需要您汇报的，也没有您交办的。",
    "monthly": "这个月没有到期或列入月计划的任务。",
    "overdue": "没有逾期未完成的任务。",
    "awaiting": "没有等待核验的任务。",
    "all": "还没有任务。",
}


# --- helpers -----------------------------------------------------------------------------------


def dress(tasks, on=None):
    """Display values a template cannot compute: owners, overdue days."""
    on = on or services.today()
    tasks = list(tasks)
    owners = services.owners_of(tasks)
    for t in tasks:
        t.owner_label = services.owner_labels(t, owners)
        t.overdue = t.is_overdue(on)
        t.days_late = (on - t.deadline).days if t.overdue else 0
    return tasks


def _filters(request, qs):
    """The list filters: year, status, source, township/region, owner, text."""
    g = request.GET
    f = {k: (g.get(k) or "").strip() for k in ("year", "status", "source", "region", "owner", "q", "month")}
    if f["status"] in services.STATUS_LABELS:
        qs = qs.filter(status=f["status"])
    if f["source"] in services.SOURCE_LABELS:
        qs = qs.filter(source_kind=f["source"])
    if f["region"].isdigit() and len(f["region"]) == 12:
        qs = qs.filter(region__code__startswith=region_prefix(f["region"]))
    if f["owner"]:
        kind, _, ident = f["owner"].partition(":")
        if kind == "org" and ident.isdigit():
            qs = qs.filter(pk__in=TaskOwner.objects.filter(org_id=int(ident)).values("task_id"))
        elif kind == "user" and ident.isdigit():
            qs = qs.filter(pk__in=TaskOwner.objects.filter(user_id=int(ident)).values("task_id"))
        elif kind == "region" and ident.isdigit():
            qs = qs.filter(region_id=ident).exclude(pk__in=TaskOwner.objects.values("task_id"))
    if f["q"]:
        qs = qs.filter(Q(title__contains=f["q"]) | Q(source_ref__contains=f["q"]) | Q(region__name__contains=f["q"]))
    return qs, f


def _township_choices(user):
    return list(Region.objects.visible_to(user).filter(level__in=("county", "township")).order_by("code")[:300])


# --- lists -------------------------------------------------------------------------------------


def _task_list(request, view: str):
    on = services.today()
    year = month = None
    if view == "monthly":
        text = request.GET.get("month", "")
        try:
            first = dt.date.fromisoformat(text + "-01") if text else on.replace(day=1)
        except ValueError:
            first = on.replace(day=1)
        year, month = first.year, first.month
    else:
        year = int_param(request.GET.get("year"), None, 2000, 2100)
    qs = services.tasks_for(request.user, view, year=year, month=month, on=on)
    qs, f = _filters(request, qs)
    qs = qs.select_related("region", "assigner_region", "assigner").order_by("deadline", "id")
    fmt = export_format(request)
    label = LIST_VIEWS[view][1]
    if fmt:
        suffix = f"-{year}年{month}月" if view == "monthly" else ""
        return download(task_table(qs[:20000], label), f"重点工作-{label}{suffix}", fmt)
    page = paginate(request, qs)
    page.object_list = dress(page.object_list, on)
    if view == "monthly":
        for t in page.object_list:
            t.month_items = [p.item for p in t.plan.all() if p.year == year and p.month == month]
            t.due_this_month = t.deadline.year == year and t.deadline.month == month
    ctx = {
        **tabs_context(request, view), "page": page, "view": view, "label": label, "f": f, "empty": EMPTY[view],
        "statuses": Task.STATUSES, "sources": Task.SOURCES, "townships": _township_choices(request.user),
        "filtered": any(f[k] for k in ("status", "source", "region", "owner", "q")) or (f["year"] and view != "monthly"),
        "month_value": f"{year}-{month:02d}" if view == "monthly" else "", "year": year, "month": month,
    }
    return render(request, "partywork/task_list.html", ctx)


@role_required(*PARTY)
def task_list(request):
    return _task_list(request, "all")


@role_required(*PARTY)
def tasks_mine(request):
    return _task_list(request, "mine")


@role_required(*PARTY)
def tasks_monthly(request):
    return _task_list(request, "monthly")


@role_required(*PARTY)
def tasks_overdue(request):
    return _task_list(request, "overdue")


@role_required(*PARTY)
def tasks_awaiting(request):
    return _task_list(request, "awaiting")


# --- one task ------------------------------------------------------------------------------------


def _task(request, pk: int) -> Task:
    return get_visible_or_404(Task, request.user, pk=pk)


def _task_page(request, task: Task, problems=(), forms=None):
    user = request.user
    task = Task.objects.select_related("region", "assigner_region", "assigner").get(pk=task.pk)
    dress([task])
    owners = list(task.owners.select_related("org", "user").order_by("id"))
    reports = list(task.reports.select_related("by").prefetch_related("evidence").order_by("at", "id"))
    events = list(task.events.select_related("actor").order_by("at", "id"))
    meetings = list(MeetingItem.objects.visible_to(user).filter(task=task).select_related("meeting").order_by("meeting__date", "id"))
    plan = list(task.plan.order_by("year", "month", "id"))
    last = reports[-1] if reports else None
    may_report = services.may_report(user, task)
    may_verify = services.may_verify(user, task)
    may_change = services.may_change(user, task)
    st = task.status
    actions = {
        "report": may_report and st in Task.TODO,
        "evidence": may_report and st == "reported",
        "verify": may_verify and st == "reported" and not (last and last.by_id == user.pk),
        "return": may_verify and st == "reported",
        "close": may_verify and st == "verified",
        "extend": may_change and st in Task.OPEN,
        "reassign": may_change and st in Task.OPEN,
    }
    forms = forms or {}
    reassign_form = None
    if actions["reassign"]:
        reassign_form = _reassign_form(user, task, owners, forms.get("reassign"))
    ctx = {
        **tabs_context(request, ""), "task": task, "owners": owners, "reports": reports, "events": events, "meetings": meetings,
        "plan": plan, "actions": actions, "any_action": any(actions.values()), "problems": problems,
        "report_form": forms.get("report") or ReportForm(), "reason_form": forms.get("return") or ReasonForm(),
        "verify_form": forms.get("verify") or VerifyForm(initial={"close": True}), "evidence_form": EvidenceForm(),
        "self_reported": bool(may_verify and st == "reported" and last and last.by_id == user.pk),
        "extend_form": forms.get("extend") or ExtendForm(initial={"deadline": max(task.deadline, services.today()) + dt.timedelta(days=30)}),
        "reassign_form": reassign_form,
    }
    return render(request, "partywork/task_detail.html", ctx)


def _reassign_form(user, task: Task, owners, data=None) -> ReassignForm:
    """The owner checkboxes for reassigning: what the region offers plus the current owners."""
    orgs, users = services.owner_choices(user, task.region_id)
    orgs += [o.org for o in owners if o.org_id and o.org not in orgs]
    users += [o.user for o in owners if o.user_id and o.user not in users]
    initial = {"owner_orgs": [str(o.org_id) for o in owners if o.org_id], "owner_users": [str(o.user_id) for o in owners if o.user_id]}
    return ReassignForm(data, orgs=orgs, users=users, initial=initial)


@role_required(*PARTY)
def task_detail(request, pk: int):
    return _task_page(request, _task(request, pk))


ACTION_DONE = {
    "report": "已汇报，等待交办单位核验。",
    "return": "已退回责任单位。",
    "verify": "已核验。",
    "close": "已销号。",
    "evidence": "佐证材料已上传。",
    "extend": "已延期，新的完成时限已生效。",
    "reassign": "已调整责任单位。",
}


# The forms a task action posts, shown again (bound) with the problems when it breaks a rule.
ACTION_FORMS = {"report": ReportForm, "return": ReasonForm, "verify": VerifyForm, "extend": ExtendForm}


def _evidence_files(uploads_) -> list[tuple[str, bytes]]:
    """The uploaded evidence as (name, content), or `Invalid` naming each file over the limit."""
    limit = services.MAX_EVIDENCE_BYTES
    too_big = [f.name for f in uploads_ if f.size > limit + 1]
    if too_big:
        raise Invalid([f"佐证材料「{n}」超过 {limit // 1024 // 1024} MB" for n in too_big])
    return [(f.name, f.read()) for f in uploads_]


@role_required(*PARTY)
@require_POST
@shows_problems
def task_action(request, pk: int, action: str, problems=()):
    task = _task(request, pk)
    if action not in ACTION_DONE:
        raise Http404("没有这个操作")
    if problems:
        forms = {action: ACTION_FORMS[action](request.POST)} if action in ACTION_FORMS else {}
        if action == "reassign":
            forms["reassign"] = request.POST
        return _task_page(request, task, problems, forms=forms)
    user, post = request.user, request.POST
    if action == "report":
        services.report(user, task, post.get("text", ""), _evidence_files(request.FILES.getlist("files")))
    elif action == "return":
        services.return_task(user, task, post.get("reason", ""))
    elif action == "verify":
        closed = post.get("close") in ("on", "1", "true")
        services.verify(user, task, post.get("note", ""), close=closed)
        if closed:
            messages.success(request, "已核验并销号。")
            return redirect("partywork:task", task.pk)
    elif action == "close":
        services.close(user, task, post.get("note", ""))
    elif action == "evidence":
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid("请选择要上传的文件")
        (name, content), = _evidence_files([upload])
        services.add_evidence(user, task, name, content)
    elif action == "extend":
        d = checked(ExtendForm(post))
        services.extend_deadline(user, task, d["deadline"], d["reason"])
    elif action == "reassign":
        services.reassign(user, task, [int_param(i) for i in post.getlist("owner_orgs") if int_param(i)],
                          [int_param(i) for i in post.getlist("owner_users") if int_param(i)], post.get("reason", ""))
    messages.success(request, ACTION_DONE[action])
    return redirect("partywork:task", task.pk)


# --- assigning -----------------------------------------------------------------------------------


@role_required(*ASSIGN_ROLES)
@shows_problems
def task_new(request, problems=()):
    regions = services.assignable_regions(request.user)
    if not regions:
        raise Refused("无权交办任务")
    region_code = request.POST.get("region") or request.GET.get("region") or regions[0].code
    orgs, users = services.owner_choices(request.user, region_code)
    form = TaskForm(request.POST or None, regions=regions, orgs=orgs, users=users,
                    initial={"region": region_code, "source_kind": "meeting"})
    if request.method == "POST" and not problems:
        d = checked(form)
        task = services.assign_task(
            request.user, title=d["title"], region_code=d["region"], deadline=d["deadline"], source_kind=d["source_kind"],
            source_ref=d["source_ref"], description=d["description"], owner_org_ids=[int(i) for i in d["owner_orgs"]],
            owner_user_ids=[int(i) for i in d["owner_users"]], plan=form.plan(request.POST),
        )
        messages.success(request, f"任务「{task.title}」已交办给{task.region.name}。")
        return redirect("partywork:task", task.pk)
    months = [(m, request.POST.get(f"plan_{m}", "")) for m in range(1, 13)]
    return render(request, "partywork/task_form.html", {**tabs_context(request, ""), "form": form, "problems": problems, "months": months})


@role_required(*ASSIGN_ROLES)
def owner_options(request):
    """The owner checkboxes for a region (htmx swaps them in when the region changes)."""
    code = request.GET.get("region", "")
    if not services.may_assign(request.user, code):
        code = ""
    orgs, users = services.owner_choices(request.user, code)
    form = TaskForm(regions=[], orgs=orgs, users=users)
    return render(request, "partywork/_owner_options.html", {"form": form})


@role_required(*ASSIGN_ROLES)
def task_import(request):
    columns = [(names[0], key, key in imports.REQUIRED) for key, names in imports.COLUMNS.items() if key in imports.REQUIRED or key in (
        "source_ref", "description", "owner_orgs", "owner_users", "year")]
    return import_page(request, run=imports.import_tasks, done=lambda tasks: f"导入完成：交办任务 {len(tasks)} 项。", back="partywork:tasks",
                       template="partywork/task_import.html", context={**tabs_context(request, ""), "form": ImportForm(), "columns": columns})
