"""The task-ledger pages (重点工作台账): the lists (mine, monthly list, overdue, awaiting
verification, all, by owner), a task with its closed loop and history, assigning, importing,
dispatch meetings and inspections. Thin: services decide; every object comes through the
scope gate; buttons appear only for those who may use them."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanwu.core import uploads
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Refused
from sanwu.core.gate import get_visible_or_404
from sanwu.core.scope import grants_of
from sanwu.core.tables import Column, Table, download
from sanwu.core.web import export_format, import_page, paginate, role_required
from sanwu.regions.models import Region

from . import importer, services
from .forms import EvidenceForm, ExtendForm, ImportForm, MeetingForm, ReasonForm, ReassignForm, ReportForm, TaskForm, VerifyForm, form_problems
from .models import PARTY_ROLES, Meeting, MeetingItem, PartyOrg, Task, TaskEvidence, TaskOwner

ASSIGN_ROLES = tuple(services.ASSIGN_ROLES)
PARTY = tuple(PARTY_ROLES)
LIST_VIEWS = {
    "mine": ("partywork:tasks_mine", "我的任务"),
    "monthly": ("partywork:tasks_monthly", "月清单"),
    "overdue": ("partywork:tasks_overdue", "逾期未完成"),
    "awaiting": ("partywork:tasks_awaiting", "待核验"),
    "all": ("partywork:tasks", "全部任务"),
}
EMPTY = {
    "mine": "您名下没有任务：既没有需要您汇报的，也没有您交办的。",
    "monthly": "这个月没有到期或列入月计划的任务。",
    "overdue": "没有逾期未完成的任务。",
    "awaiting": "没有等待核验的任务。",
    "all": "还没有任务。",
}


# --- helpers -----------------------------------------------------------------------------------


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _int(text, default=None, lo=None, hi=None):
    try:
        v = int(text)
    except (TypeError, ValueError):
        return default
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        return default
    return v


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


def task_table(tasks, title: str = "重点工作台账") -> Table:
    """Every task with all its columns; the headers are the import file's, so an exported sheet
    can be edited and imported as a new list."""
    tasks = list(tasks)
    owners = services.owners_of(tasks)
    plans = services.plans_of(tasks)
    on = services.today()
    L = importer.LABELS
    cols = [
        Column("id", L["id"]), Column("title", L["title"], width=36), Column("region", L["region"], width=16),
        Column("region_name", L["region_name"]), Column("deadline", L["deadline"], width=12), Column("source_kind", L["source_kind"]),
        Column("source_ref", L["source_ref"], width=20), Column("description", L["description"], width=30),
        Column("owner_orgs", L["owner_orgs"], width=24), Column("owner_users", L["owner_users"]), Column("year", L["year"]),
        *[Column(key, L[key], width=16) for key in importer.MONTH_KEYS],
        Column("status", L["status"]), Column("overdue", L["overdue"]), Column("assigner_region", L["assigner_region"]),
        Column("assigner", L["assigner"]), Column("assigned_on", L["assigned_on"], width=12), Column("reported_at", L["reported_at"], width=17),
        Column("returns", L["returns"]), Column("closed_at", L["closed_at"], width=17),
    ]
    rows = []
    for t in tasks:
        row = {
            "id": t.pk, "title": t.title, "region": t.region_id, "region_name": t.region.name, "deadline": t.deadline,
            "source_kind": t.get_source_kind_display(), "source_ref": t.source_ref, "description": t.description,
            "owner_orgs": "、".join(o.org.name for o in owners.get(t.pk, []) if o.org_id),
            "owner_users": "、".join(o.user.username for o in owners.get(t.pk, []) if o.user_id), "year": t.year,
            "status": t.get_status_display(), "overdue": "是" if t.is_overdue(on) else "",
            "assigner_region": t.assigner_region.name, "assigner": services.display_name(t.assigner) if t.assigner_id else "系统",
            "assigned_on": t.assigned_on, "reported_at": _local(t.reported_at), "returns": t.return_count, "closed_at": _local(t.closed_at),
        }
        for p in plans.get(t.pk, []):
            if p.year == t.year:
                key = f"m{p.month}"
                row[key] = (row.get(key, "") + "；" if row.get(key) else "") + p.item
        rows.append(row)
    return Table(title, cols, rows)


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


REPORT_TABS = {
    "owner": ("partywork:tasks_by_owner", "按责任单位"),
    "quarterly": ("partywork:tasks_quarterly", "季例会"),
    "half": ("partywork:tasks_half_year", "半年小结"),
    "annual": ("partywork:tasks_annual", "年度汇总"),
    "meetings": ("partywork:meetings", "调度会与督导"),
}


def tabs_context(request, active: str) -> dict:
    return {
        "tabs": [(name, label, key == active) for key, (name, label) in LIST_VIEWS.items()],
        "report_tabs": [(name, label, key == active) for key, (name, label) in REPORT_TABS.items()],
        "active_tab": active,
        "can_assign": services.may_assign_somewhere(request.user),
    }


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
        year = _int(request.GET.get("year"), None, 2000, 2100)
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


def _task_page(request, task: Task, problems=(), status=200, forms=None):
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
    return render(request, "partywork/task_detail.html", ctx, status=status)


def _reassign_form(user, task: Task, owners, data=None) -> ReassignForm:
    """The owner checkboxes for reassigning: what the region offers plus the current owners."""
    orgs, users = owner_choices(user, task.region_id)
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


@role_required(*PARTY)
@require_POST
def task_action(request, pk: int, action: str):
    task = _task(request, pk)
    if action not in ACTION_DONE:
        raise Http404("没有这个操作")
    user = request.user
    forms = {}
    try:
        if action == "report":
            form = forms["report"] = ReportForm(request.POST)
            files = [(f.name, f.read()) for f in request.FILES.getlist("files") if f.size <= services.MAX_EVIDENCE_BYTES + 1]
            too_big = [f.name for f in request.FILES.getlist("files") if f.size > services.MAX_EVIDENCE_BYTES + 1]
            if too_big:
                raise Invalid([f"佐证材料「{n}」超过 {services.MAX_EVIDENCE_BYTES // 1024 // 1024} MB" for n in too_big])
            services.report(user, task, form.data.get("text", ""), files)
        elif action == "return":
            forms["return"] = ReasonForm(request.POST)
            services.return_task(user, task, request.POST.get("reason", ""))
        elif action == "verify":
            forms["verify"] = VerifyForm(request.POST)
            closed = request.POST.get("close") in ("on", "1", "true")
            services.verify(user, task, request.POST.get("note", ""), close=closed)
            if closed:
                messages.success(request, "已核验并销号。")
                return redirect("partywork:task", task.pk)
        elif action == "close":
            services.close(user, task, request.POST.get("note", ""))
        elif action == "evidence":
            upload = request.FILES.get("file")
            if upload is None:
                raise Invalid(["请选择要上传的文件"])
            if upload.size > services.MAX_EVIDENCE_BYTES + 1:
                raise Invalid([f"佐证材料「{upload.name}」超过 {services.MAX_EVIDENCE_BYTES // 1024 // 1024} MB"])
            services.add_evidence(user, task, upload.name, upload.read())
        elif action == "extend":
            form = forms["extend"] = ExtendForm(request.POST)
            if not form.is_valid():
                raise Invalid(form_problems(form))
            services.extend_deadline(user, task, form.cleaned_data["deadline"], form.cleaned_data["reason"])
        elif action == "reassign":
            forms["reassign"] = request.POST
            services.reassign(user, task, [_int(i) for i in request.POST.getlist("owner_orgs") if _int(i)],
                              [_int(i) for i in request.POST.getlist("owner_users") if _int(i)], request.POST.get("reason", ""))
    except Invalid as exc:
        return _task_page(request, task, exc.messages, status=422, forms=forms)
    except Refused:
        return render(request, "403.html", status=403)
    messages.success(request, ACTION_DONE[action])
    return redirect("partywork:task", task.pk)


@role_required(*PARTY)
def evidence_file(request, pk: int):
    ev = get_visible_or_404(TaskEvidence, request.user, pk=pk)
    return uploads.file_response(ev.file, ev.content_type, ev.filename, download=request.GET.get("download") == "1")


# --- assigning -----------------------------------------------------------------------------------


def assignable_regions(user):
    """The regions the user may assign to (their county and below for the county; villages for a
    township), in code order."""
    regions = Region.objects.visible_to(user).filter(level__in=("city", "county", "township", "village")).select_related("parent").order_by("code")
    return [r for r in regions[:5000] if services.may_assign(user, r.code)]


def owner_choices(user, region_code: str | None):
    """Organisations within the region (standing ones first) and the users who report there."""
    if not region_code:
        return [], []
    prefix = region_prefix(region_code)
    today = services.today()
    orgs = list(
        PartyOrg.objects.visible_to(user).filter(region__code__startswith=prefix).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("region_id", "kind", "name")[:300]
    )
    User = get_user_model()
    users = list(
        User.objects.filter(is_active=True, role_assignments__region_id=region_code, role_assignments__role__in=services.REPORT_ROLES)
        .distinct().order_by("username")[:50]
    )
    return orgs, users


@role_required(*ASSIGN_ROLES)
def task_new(request):
    regions = assignable_regions(request.user)
    if not regions:
        return render(request, "403.html", status=403)
    region_code = request.POST.get("region") or request.GET.get("region") or regions[0].code
    orgs, users = owner_choices(request.user, region_code)
    form = TaskForm(request.POST or None, regions=regions, orgs=orgs, users=users,
                    initial={"region": region_code, "source_kind": "meeting"})
    problems = []
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                task = services.assign_task(
                    request.user, title=d["title"], region_code=d["region"], deadline=d["deadline"], source_kind=d["source_kind"],
                    source_ref=d["source_ref"], description=d["description"], owner_org_ids=[int(i) for i in d["owner_orgs"]],
                    owner_user_ids=[int(i) for i in d["owner_users"]], plan=form.plan(request.POST),
                )
            except Invalid as exc:
                problems = exc.messages
            except Refused as exc:
                problems = [str(exc)]
            else:
                messages.success(request, f"任务「{task.title}」已交办给{task.region.name}。")
                return redirect("partywork:task", task.pk)
        else:
            problems = form_problems(form)
    months = [(m, request.POST.get(f"plan_{m}", "")) for m in range(1, 13)]
    return render(request, "partywork/task_form.html", {**tabs_context(request, ""), "form": form, "problems": problems, "months": months})


@role_required(*ASSIGN_ROLES)
def owner_options(request):
    """The owner checkboxes for a region (htmx swaps them in when the region changes)."""
    code = request.GET.get("region", "")
    if not services.may_assign(request.user, code):
        code = ""
    orgs, users = owner_choices(request.user, code)
    form = TaskForm(regions=[], orgs=orgs, users=users)
    return render(request, "partywork/_owner_options.html", {"form": form})


@role_required(*ASSIGN_ROLES)
def task_import(request):
    columns = [(names[0], key, key in importer.REQUIRED) for key, names in importer.COLUMNS.items() if key in importer.REQUIRED or key in (
        "source_ref", "description", "owner_orgs", "owner_users", "year")]
    return import_page(request, run=importer.import_tasks, done=lambda tasks: f"导入完成：交办任务 {len(tasks)} 项。", back="partywork:tasks",
                       template="partywork/task_import.html", context={**tabs_context(request, ""), "form": ImportForm(), "columns": columns})


# --- dispatch meetings and inspections -----------------------------------------------------------


@role_required(*PARTY)
def meetings(request):
    qs = Meeting.objects.visible_to(request.user).select_related("region", "created_by").order_by("-date", "-id")
    kind = request.GET.get("kind", "")
    if kind in services.MEETING_LABELS:
        qs = qs.filter(kind=kind)
    fmt = export_format(request)
    if fmt:
        rows = []
        for m in qs[:20000]:
            titles = [i.task.title for i in MeetingItem.objects.visible_to(request.user).filter(meeting=m).select_related("task")]
            rows.append({"date": m.date, "kind": m.get_kind_display(), "title": m.title, "region": m.region.name, "note": m.note,
                         "tasks": "；".join(titles)})
        table = Table("调度会与督导", [Column("date", "日期", width=12), Column("kind", "类型"), Column("title", "名称", width=30),
                                  Column("region", "召开/组织单位"), Column("note", "内容与要求", width=40), Column("tasks", "涉及任务", width=50)], rows)
        return download(table, "调度会与督导", fmt)
    page = paginate(request, qs)
    for m in page:
        m.task_items = list(MeetingItem.objects.visible_to(request.user).filter(meeting=m).select_related("task"))
    return render(request, "partywork/meetings.html", {**tabs_context(request, "meetings"), "page": page, "kind": kind, "kinds": Meeting.KINDS})


@role_required(*ASSIGN_ROLES)
def meeting_new(request):
    regions = [r for r in Region.objects.visible_to(request.user).filter(level__in=("city", "county", "township")).order_by("code")[:500]
               if any(g.region_code == r.code and g.role in services.ASSIGN_ROLES for g in grants_of(request.user))]
    if not regions:
        return render(request, "403.html", status=403)
    tasks = list(Task.objects.visible_to(request.user).filter(status__in=Task.OPEN).select_related("region").order_by("deadline", "id")[:500])
    initial = {"date": services.today(), "kind": request.GET.get("kind") or "dispatch"}
    if request.GET.get("task"):
        initial["tasks"] = [request.GET["task"]]
    form = MeetingForm(request.POST or None, regions=regions, tasks=tasks, initial=initial)
    problems = []
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_meeting(request.user, kind=d["kind"], title=d["title"], date=d["date"], region_code=d["region"],
                                        note=d["note"], task_ids=[int(i) for i in d["tasks"]])
            except Invalid as exc:
                problems = exc.messages
            except Refused as exc:
                problems = [str(exc)]
            else:
                messages.success(request, "已记录。")
                return redirect("partywork:meetings")
        else:
            problems = form_problems(form)
    return render(request, "partywork/meeting_form.html", {**tabs_context(request, "meetings"), "form": form, "problems": problems})
