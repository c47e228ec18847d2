"""Party-organisation work: organisations, the key-work task ledger run closed loop (assign →
report → return/verify → close), dispatch meetings and inspections, talks; and the counts and
roll-ups built on them.

Every function takes the acting user (None = the system operator on the CLI or the demo) and
checks permissions itself; web pages, the API, the importer and the CLI all call these. Every
state change runs in one transaction with the task's row locked, writes a history row
(`TaskEvent`: who, when, from, to, note) and the audit trail.

Who may do what:
- assign: a county supervisor (or the city) for tasks in its county — townships, villages, and
  the county itself (its departments); a township supervisor for its villages.
- report: the owners — a user named as owner, or the body at the task's own region (the township
  supervisor for a township task, the village secretary for a village task, the county for a
  county department's task).
- verify, send back, close: the assigning body (`assigner_region`) and those above it, never the
  user who made the report being verified.
- talks: only the organisation department (county supervisor, city admin) sees and records them.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from sanwu.core import audit, uploads
from sanwu.core.codes import region_level, region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.scope import READ_ONLY_ROLES, can_write, code_in_scope, grants_of, prefixes_of
from sanwu.regions.models import Region

from .models import (
    ORG_DEPT_ROLES,
    PARTY_ROLES,
    Meeting,
    MeetingItem,
    PartyOrg,
    Talk,
    Task,
    TaskEvent,
    TaskEvidence,
    TaskOwner,
    TaskPlanItem,
    TaskReport,
    TeamMember,
)

ASSIGN_ROLES = frozenset({"city_admin", "county_supervisor", "township_supervisor"})
REPORT_ROLES = frozenset({"city_admin", "county_supervisor", "township_supervisor", "village_secretary"})
# Who may keep the organisation register: the organisation department for every kind; a township
# for the temporary kinds it sets up itself.
ORG_WRITE_ROLES = frozenset({"county_supervisor", "city_admin", "township_supervisor"})
TOWNSHIP_ORG_KINDS = frozenset({"temporary_branch", "grid_branch", "commando_team"})
REGULAR_ORG_KINDS = frozenset({"committee", "general_branch", "branch"})

SOURCE_LABELS = dict(Task.SOURCES)
STATUS_LABELS = dict(Task.STATUSES)
KIND_LABELS = dict(PartyOrg.KINDS)
PURPOSE_LABELS = dict(PartyOrg.PURPOSES)
TALK_LABELS = dict(Talk.KINDS)
MEETING_LABELS = dict(Meeting.KINDS)

MAX_EVIDENCE_BYTES = uploads.MAX_BYTES
EVIDENCE_TYPES = uploads.ALLOWED


def today() -> dt.date:
    return timezone.localdate()


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def display_name(user) -> str:
    if user is None:
        return "系统"
    return user.first_name or user.username


def visible(model, user):
    """Through the scope gate; the system operator (None: the CLI, the demo) sees everything."""
    return model.objects.all() if user is None else model.objects.visible_to(user)


def _refuse(user, what: str, object_id="", region_code: str = "") -> None:
    from sanwu.core.gate import refuse

    refuse(user, f"partywork.{what}", object_id, region_code)


# --- Who may act --------------------------------------------------------------------------------


def assigning_grant(user, region_code: str):
    """The grant through which `user` may assign a task at `region_code` (the most specific), or
    None. County and city may assign at their own level (their departments); a township only
    below itself (its villages)."""
    best = None
    for g in grants_of(user):
        if g.role not in ASSIGN_ROLES or g.role in READ_ONLY_ROLES or not region_code.startswith(g.prefix):
            continue
        if g.region_code == region_code and region_level(g.region_code) not in ("county", "city"):
            continue
        if best is None or len(g.prefix) > len(best.prefix):
            best = g
    return best


def may_assign(user, region_code: str) -> bool:
    return user is None or assigning_grant(user, region_code) is not None


def may_assign_somewhere(user) -> bool:
    return any(g.role in ASSIGN_ROLES for g in grants_of(user))


def is_owner_side(user, task: Task) -> bool:
    """A named owner, or the body sitting at the task's own region (by a reporting role)."""
    if user is None:
        return True
    if any(g.role in REPORT_ROLES and g.region_code == task.region_id for g in grants_of(user)):
        return True
    return task.owners.filter(user=user).exists() and code_in_scope(user, task.region_id, REPORT_ROLES)


def may_report(user, task: Task) -> bool:
    return is_owner_side(user, task)


def may_verify(user, task: Task) -> bool:
    return user is None or can_write(user, task.assigner_region_id, set(ASSIGN_ROLES))


def _require(allowed: bool, user, what: str, task: Task, message: str) -> None:
    if not allowed:
        _refuse(user, f"task.{what}", task.pk, task.region_id)
        raise Refused(message)


# --- Tasks: assign -----------------------------------------------------------------------------


def _principal_org(region_code: str):
    """The standing organisation of a region (its committee, general branch or branch)."""
    return (
        PartyOrg.objects.filter(region_id=region_code, kind__in=REGULAR_ORG_KINDS, end_date__isnull=True)
        .order_by("kind", "id")
        .first()
    )


def task_errors(
    *, title, region_code, deadline, source_kind, source_ref="", description="", origin="",
    owner_org_ids=(), owner_user_ids=(), assigned_on=None, plan=None, row=None, file=None,
) -> list[Problem]:
    """Everything wrong with a task as given (pure but for looking up regions, orgs and users)."""
    problems: list[Problem] = []

    def p(msg, fld):
        problems.append(Problem(msg, row=row, field=fld, file=file))

    title = (title or "").strip()
    if not title:
        p("任务名称不能为空", "title")
    elif len(title) > 200:
        p("任务名称不能超过200个字", "title")
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        p(f"区划「{region_code or ''}」不存在", "region")
    elif region.level == "group":
        p("任务不能交办到村民小组，请选村、乡镇或县", "region")
    if source_kind not in SOURCE_LABELS:
        p(f"来源「{source_kind}」无效（{'、'.join(SOURCE_LABELS.values())}）", "source_kind")
    if len(source_ref or "") > 100:
        p("来源文号不能超过100个字", "source_ref")
    if len(origin or "") > 100:
        p("关联来源不能超过100个字符", "origin")
    if len(description or "") > 5000:
        p("具体要求不能超过5000个字", "description")
    if not isinstance(deadline, dt.date):
        p("完成时限无效", "deadline")
    elif assigned_on is not None and deadline < assigned_on:
        p(f"完成时限 {deadline} 早于交办日期 {assigned_on}", "deadline")
    if region is not None:
        problems.extend(owner_errors(region, owner_org_ids, owner_user_ids, on=assigned_on or today(), row=row, file=file))
    for (y, m), items in (plan or {}).items():
        if not (1 <= m <= 12):
            p(f"月计划的月份「{m}」无效", "plan")
        for item in items:
            if len(item) > 200:
                p(f"{y}年{m}月的计划事项不能超过200个字", "plan")
    return problems


def owner_errors(region: Region, owner_org_ids, owner_user_ids, *, on: dt.date, seen_by=None, row=None, file=None) -> list[Problem]:
    """What is wrong with the owners of a task at `region`: organisations within it and standing
    on the day `on`, users who report there. With `seen_by` (a user), organisations that user
    cannot see are refused as if they did not exist."""
    problems: list[Problem] = []

    def p(msg, fld):
        problems.append(Problem(msg, row=row, field=fld, file=file))

    prefix = region_prefix(region.code)
    orgs = {o.pk: o for o in (PartyOrg.objects if seen_by is None else PartyOrg.objects.visible_to(seen_by)).filter(pk__in=list(owner_org_ids))}
    for oid in owner_org_ids:
        org = orgs.get(oid)
        if org is None:
            p(f"责任党组织「{oid}」不存在", "owner_orgs")
        elif not org.region_id.startswith(prefix):
            p(f"责任党组织「{org.name}」不在「{region.name}」范围内", "owner_orgs")
        elif org.end_date is not None and org.end_date < on:
            p(f"责任党组织「{org.name}」已于 {org.end_date} 撤销", "owner_orgs")
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(owner_user_ids))}
    for uid in owner_user_ids:
        u = users.get(uid)
        if u is None or not u.is_active:
            p(f"责任人（用户 {uid}）不存在或已停用", "owner_users")
        elif not code_in_scope(u, region.code, set(REPORT_ROLES)):
            p(f"责任人「{display_name(u)}」不管辖「{region.name}」，无法汇报", "owner_users")
    return problems


def assign_task(
    user,
    *,
    title: str,
    region_code: str,
    deadline: dt.date,
    source_kind: str,
    source_ref: str = "",
    description: str = "",
    owner_org_ids: list[int] = (),
    owner_user_ids: list[int] = (),
    origin: str = "",
    year: int | None = None,
    plan: dict[tuple[int, int], list[str]] | None = None,
    assigned_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Task:
    """Assign a key task (交办). Other apps (analysis rounds, rectification, assessments) call this
    to put their follow-ups into the ledger; `origin` ("assessment.consequence:42") traces them.

    Owners are organisations and/or users within the task's region; with none given, the
    region's standing organisation (its committee or branch) owns it when there is one.
    `plan` maps (year, month) to the items planned that month (月清单)."""
    owner_org_ids = [int(i) for i in dict.fromkeys(owner_org_ids or ())]
    owner_user_ids = [int(i) for i in dict.fromkeys(owner_user_ids or ())]
    assigned_on = assigned_on or (timezone.localtime(at).date() if at else today())
    problems = task_errors(
        title=title, region_code=region_code, deadline=deadline, source_kind=source_kind, source_ref=source_ref,
        description=description, origin=origin, owner_org_ids=owner_org_ids, owner_user_ids=owner_user_ids,
        assigned_on=assigned_on, plan=plan,
    )
    if problems:
        raise Invalid(problems)
    if user is None:
        level = region_level(region_code)
        assigner_region = region_code if level in ("county", "city") else region_code[:6] + "000000"
    else:
        grant = assigning_grant(user, region_code)
        if grant is None:
            _refuse(user, "task.assign", region_code=region_code)
            raise Refused(f"无权向「{Region.objects.get(code=region_code).name}」交办任务")
        assigner_region = grant.region_code
    if not owner_org_ids and not owner_user_ids:
        org = _principal_org(region_code)
        if org is not None:
            owner_org_ids = [org.pk]
    if at is None and assigned_on < today():  # decided earlier (a round's date): the history says so
        at = timezone.make_aware(dt.datetime.combine(assigned_on, dt.time(9, 0)))
    moment = _now(at)
    with transaction.atomic():
        task = Task.objects.create(
            title=title.strip(), description=(description or "").strip(), year=year or deadline.year,
            source_kind=source_kind, source_ref=(source_ref or "").strip(), origin=origin or "",
            region_id=region_code, assigner=user, assigner_region_id=assigner_region, assigned_on=assigned_on,
            deadline=deadline, status="assigned",
        )
        TaskOwner.objects.bulk_create(
            [TaskOwner(task=task, org_id=i) for i in owner_org_ids] + [TaskOwner(task=task, user_id=i) for i in owner_user_ids]
        )
        TaskPlanItem.objects.bulk_create(
            [TaskPlanItem(task=task, year=y, month=m, item=item.strip()) for (y, m), items in sorted((plan or {}).items()) for item in items if item.strip()]
        )
        _event(task, "assign", "", "assigned", user, moment, f"完成时限 {deadline}")
        audit.record(
            "task.assign", task, actor=user, region_code=region_code,
            new={"title": task.title, "region": region_code, "deadline": deadline, "source": source_kind, "origin": origin,
                 "owner_orgs": owner_org_ids, "owner_users": owner_user_ids},
        )
    return task


def _event(task: Task, action: str, frm: str, to: str, user, at: dt.datetime, note: str = "", old: str = "", new: str = "") -> TaskEvent:
    return TaskEvent.objects.create(
        task=task, action=action, from_status=frm, to_status=to, actor=user, actor_name=display_name(user), at=at, note=note,
        old_value=old[:500], new_value=new[:500],
    )


def _locked(task: Task, allowed: tuple[str, ...], action: str) -> Task:
    t = Task.objects.select_for_update().get(pk=task.pk)
    if t.status not in allowed:
        raise Invalid(Problem(f"任务「{t.title}」状态为「{t.get_status_display()}」，不能{action}"))
    return t


# --- Tasks: report, send back, verify, close ---------------------------------------------------


def evidence_errors(filename: str, data: bytes) -> list[Problem]:
    return uploads.upload_errors(filename, data, what="佐证材料", max_bytes=MAX_EVIDENCE_BYTES)


def _store_evidence(report: TaskReport, user, filename: str, data: bytes) -> TaskEvidence:
    checked = uploads.inspect(data)
    ev = TaskEvidence(
        report=report, filename=filename[:200], content_type=checked.mime, size=checked.size, sha256=checked.sha256,
        uploaded_by=user,
    )
    uploads.save_to(ev.file, data, checked)
    ev.save()
    return ev


def report(user, task: Task, text: str, files: list[tuple[str, bytes]] = (), at: dt.datetime | None = None) -> Task:
    """The owners report the work done, with evidence: assigned/returned → reported."""
    _require(may_report(user, task), user, "report", task, f"无权汇报任务「{task.title}」（只有责任单位可以汇报）")
    text = (text or "").strip()
    problems = []
    if not text:
        problems.append(Problem("请填写完成情况", field="text"))
    elif len(text) > 5000:
        problems.append(Problem("完成情况不能超过5000个字", field="text"))
    for name, data in files:
        problems.extend(evidence_errors(name, data))
    if problems:
        raise Invalid(problems)
    moment = _now(at)
    with transaction.atomic():
        t = _locked(task, Task.TODO, "汇报")
        rep = TaskReport.objects.create(task=t, text=text, by=user, at=moment)
        stored = [_store_evidence(rep, user, name, data) for name, data in files]
        frm = t.status
        t.status, t.reported_at, t.return_reason = "reported", moment, ""
        t.save(update_fields=["status", "reported_at", "return_reason"])
        _event(t, "report", frm, "reported", user, moment, text[:500])
        audit.record(
            "task.report", t, actor=user, region_code=t.region_id, old={"status": frm},
            new={"status": "reported", "report": rep.pk, "evidence": [e.sha256 for e in stored]},
        )
    return t


def add_evidence(user, task: Task, filename: str, data: bytes) -> TaskEvidence:
    """Add a file to the latest report while it waits for verification."""
    _require(may_report(user, task), user, "evidence", task, f"无权为任务「{task.title}」上传佐证材料")
    problems = evidence_errors(filename, data)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        t = _locked(task, ("reported",), "补充佐证材料")
        rep = t.reports.order_by("-at", "-id").first()
        ev = _store_evidence(rep, user, filename, data)
        audit.record("task.evidence", ev, actor=user, region_code=t.region_id, new={"task": t.pk, "sha256": ev.sha256, "size": ev.size})
    return ev


def return_task(user, task: Task, reason: str, at: dt.datetime | None = None) -> Task:
    """The assigner sends a report back with a reason: reported → returned."""
    _require(may_verify(user, task), user, "return", task, f"无权退回任务「{task.title}」（只有交办单位可以退回）")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(Problem("请填写退回原因", field="reason"))
    if len(reason) > 200:
        raise Invalid(Problem("退回原因不能超过200个字", field="reason"))
    moment = _now(at)
    with transaction.atomic():
        t = _locked(task, ("reported",), "退回")
        t.status, t.return_reason, t.return_count = "returned", reason, t.return_count + 1
        t.save(update_fields=["status", "return_reason", "return_count"])
        _event(t, "return", "reported", "returned", user, moment, reason)
        audit.record("task.return", t, actor=user, region_code=t.region_id, old={"status": "reported"}, new={"status": "returned", "reason": reason})
    return t


def verify(user, task: Task, note: str = "", close: bool = True, at: dt.datetime | None = None) -> Task:
    """The assigner verifies the report (reported → verified) and, by default, closes the task
    in the same step (verified → closed, 核验销号). Never the user who made the report."""
    _require(may_verify(user, task), user, "verify", task, f"无权核验任务「{task.title}」（只有交办单位可以核验）")
    note = (note or "").strip()
    if len(note) > 500:
        raise Invalid(Problem("核验意见不能超过500个字", field="note"))
    moment = _now(at)
    with transaction.atomic():
        t = _locked(task, ("reported",), "核验")
        last = t.reports.order_by("-at", "-id").first()
        if user is not None and last is not None and last.by_id == user.pk:
            raise Invalid(Problem("核验人不能是汇报人本人"))
        t.status, t.verified_at = "verified", moment
        t.save(update_fields=["status", "verified_at"])
        _event(t, "verify", "reported", "verified", user, moment, note)
        audit.record("task.verify", t, actor=user, region_code=t.region_id, old={"status": "reported"}, new={"status": "verified", "note": note})
        if close:
            _close(t, user, moment, "")
    return t


def close(user, task: Task, note: str = "", at: dt.datetime | None = None) -> Task:
    """销号: only a verified task is closed."""
    _require(may_verify(user, task), user, "close", task, f"无权为任务「{task.title}」销号")
    moment = _now(at)
    with transaction.atomic():
        t = _locked(task, ("verified",), "销号（只有已核验的任务才能销号）")
        _close(t, user, moment, (note or "").strip()[:500])
    return t


def _close(t: Task, user, moment, note: str) -> None:
    t.status, t.closed_at = "closed", moment
    t.save(update_fields=["status", "closed_at"])
    _event(t, "close", "verified", "closed", user, moment, note)
    audit.record("task.close", t, actor=user, region_code=t.region_id, old={"status": "verified"}, new={"status": "closed"})


# --- Tasks: extend the deadline, reassign the owners ---------------------------------------------


def may_change(user, task: Task) -> bool:
    """Extend or reassign: the assigning body and those above it (the county organisation
    department over a township's task) — never the owners themselves."""
    return may_verify(user, task)


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(Problem(f"请填写{what}原因", field="reason"))
    if len(reason) > 200:
        raise Invalid(Problem(f"{what}原因不能超过200个字", field="reason"))
    return reason


def extend_deadline(user, task: Task, deadline: dt.date, reason: str, at: dt.datetime | None = None) -> Task:
    """延期: a later deadline, with a reason, by the assigner (or the county above it). Not on a
    closed task. The history keeps the old and new deadline; overdue lists follow the new one."""
    _require(may_change(user, task), user, "extend", task, f"无权为任务「{task.title}」延期（只有交办单位可以延期）")
    reason = _reason(reason, "延期")
    if not isinstance(deadline, dt.date):
        raise Invalid(Problem("新的完成时限无效", field="deadline"))
    moment = _now(at)
    with transaction.atomic():
        t = _locked(task, Task.OPEN, "延期（已销号的任务不能延期）")
        if deadline <= t.deadline:
            raise Invalid(Problem(f"新的完成时限 {deadline} 应晚于原时限 {t.deadline}", field="deadline"))
        old = t.deadline
        t.deadline = deadline
        t.save(update_fields=["deadline"])
        _event(t, "extend", t.status, t.status, user, moment, reason, old=old.isoformat(), new=deadline.isoformat())
        audit.record("task.extend", t, actor=user, region_code=t.region_id, old={"deadline": old}, new={"deadline": deadline, "reason": reason})
    return t


def _owner_ids(task: Task) -> tuple[list[int], list[int]]:
    rows = list(task.owners.order_by("id").values_list("org_id", "user_id"))
    return [o for o, _ in rows if o], [u for _, u in rows if u]


def _owner_text(org_ids, user_ids) -> str:
    orgs = dict(PartyOrg.objects.filter(pk__in=list(org_ids)).values_list("pk", "name"))
    users = {u.pk: display_name(u) for u in get_user_model().objects.filter(pk__in=list(user_ids))}
    return "、".join([orgs.get(i, str(i)) for i in org_ids] + [users.get(i, str(i)) for i in user_ids])


def reassign(user, task: Task, owner_org_ids=(), owner_user_ids=(), reason: str = "", at: dt.datetime | None = None) -> Task:
    """调整责任单位: new owners (organisations and/or users within the task's region that the
    acting user sees), with a reason, by the assigner (or the county above it). Not on a closed
    task. The history keeps who owned it before and after."""
    _require(may_change(user, task), user, "reassign", task, f"无权调整任务「{task.title}」的责任单位（只有交办单位可以调整）")
    reason = _reason(reason, "调整")
    org_ids = [int(i) for i in dict.fromkeys(owner_org_ids or ())]
    user_ids = [int(i) for i in dict.fromkeys(owner_user_ids or ())]
    if not org_ids and not user_ids:
        raise Invalid(Problem("请至少选择一个责任党组织或责任人", field="owner_orgs"))
    problems = owner_errors(task.region, org_ids, user_ids, on=today(), seen_by=user)
    if problems:
        raise Invalid(problems)
    moment = _now(at)
    with transaction.atomic():
        t = _locked(task, Task.OPEN, "调整责任单位（已销号的任务不能调整）")
        old_orgs, old_users = _owner_ids(t)
        if set(old_orgs) == set(org_ids) and set(old_users) == set(user_ids):
            raise Invalid(Problem("责任单位和责任人没有变化", field="owner_orgs"))
        old_text = _owner_text(old_orgs, old_users) or t.region.name
        TaskOwner.objects.filter(task=t).delete()
        TaskOwner.objects.bulk_create([TaskOwner(task=t, org_id=i) for i in org_ids] + [TaskOwner(task=t, user_id=i) for i in user_ids])
        _event(t, "reassign", t.status, t.status, user, moment, reason, old=old_text, new=_owner_text(org_ids, user_ids))
        audit.record(
            "task.reassign", t, actor=user, region_code=t.region_id, old={"owner_orgs": old_orgs, "owner_users": old_users},
            new={"owner_orgs": org_ids, "owner_users": user_ids, "reason": reason},
        )
    return t


# --- Dispatch meetings and inspections ---------------------------------------------------------


def record_meeting(
    user, *, kind: str, title: str, date: dt.date, region_code: str, note: str = "", task_ids: list[int] = (),
    task_notes: dict[int, str] | None = None,
) -> Meeting:
    """A dispatch meeting (调度会) or inspection (督导) held by a body, recorded against tasks it
    took up: each task gets a history row."""
    problems = []
    if kind not in MEETING_LABELS:
        problems.append(Problem(f"类型「{kind}」无效（调度会、督导）", field="kind"))
    title = (title or "").strip()
    if not title:
        problems.append(Problem("名称不能为空", field="title"))
    elif len(title) > 200:
        problems.append(Problem("名称不能超过200个字", field="title"))
    if not isinstance(date, dt.date):
        problems.append(Problem("日期无效", field="date"))
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        problems.append(Problem(f"区划「{region_code}」不存在", field="region"))
    task_ids = list(dict.fromkeys(int(i) for i in task_ids))
    tasks = list(Task.objects.filter(pk__in=task_ids)) if task_ids else []
    if region is not None:
        prefix = region_prefix(region.code)
        seen = set(visible(Task, user).filter(pk__in=task_ids).values_list("pk", flat=True))
        for t in tasks:
            if t.pk not in seen or not t.region_id.startswith(prefix):
                problems.append(Problem(f"任务「{t.title}」不在「{region.name}」范围内", field="tasks"))
            elif isinstance(date, dt.date) and t.assigned_on > date:
                problems.append(Problem(f"任务「{t.title}」{t.assigned_on} 才交办，晚于{MEETING_LABELS.get(kind, '')}日期", field="tasks"))
    if len(tasks) != len(task_ids):
        problems.append(Problem("有的任务不存在", field="tasks"))
    if problems:
        raise Invalid(problems)
    if user is not None and not can_write(user, region_code, set(ASSIGN_ROLES)):
        _refuse(user, "meeting.create", region_code=region_code)
        raise Refused("无权记录该单位的调度会或督导")
    notes = task_notes or {}
    with transaction.atomic():
        m = Meeting.objects.create(kind=kind, title=title, date=date, region_id=region_code, note=(note or "").strip(), created_by=user)
        moment = timezone.make_aware(dt.datetime.combine(date, dt.time(9, 0))) if date < today() else timezone.now()
        for t in tasks:
            MeetingItem.objects.create(meeting=m, task=t, note=(notes.get(t.pk) or "")[:200])
            at = moment
            if date < today():  # recorded afterwards: after whatever the task saw earlier that day
                latest = TaskEvent.objects.filter(task=t, at__date=date).aggregate(m=Max("at"))["m"]
                if latest is not None and latest >= at:
                    at = latest + dt.timedelta(seconds=1)
            _event(t, kind, t.status, t.status, user, at, f"{MEETING_LABELS[kind]}：{title}" + (f"（{notes[t.pk]}）" if notes.get(t.pk) else ""))
        audit.record("meeting.create", m, actor=user, region_code=region_code, new={"kind": kind, "title": title, "date": date, "tasks": task_ids})
    return m


# --- Task lists and roll-ups -------------------------------------------------------------------

VIEWS = {
    "all": "全部任务",
    "mine": "我的任务",
    "monthly": "月清单",
    "overdue": "逾期未完成",
    "awaiting": "待核验",
}


def my_task_filter(user) -> Q:
    """Tasks I must act on (owner side) or that I assigned."""
    own_regions = [g.region_code for g in grants_of(user) if g.role in REPORT_ROLES]
    return Q(region_id__in=own_regions) | Q(owners__user=user) | Q(assigner=user)


def tasks_for(user, view: str = "all", *, year: int | None = None, month: int | None = None, on: dt.date | None = None):
    """The tasks of a list view, through the scope gate. `monthly`: due in the month or planned
    in it; `overdue`: the owners' turn and past the deadline; `awaiting`: reported, to verify."""
    on = on or today()
    qs = visible(Task, user)
    if view == "mine":
        qs = qs.filter(pk__in=Task.objects.filter(my_task_filter(user)).values("pk"))
    elif view == "monthly":
        y, m = year or on.year, month or on.month
        planned = TaskPlanItem.objects.filter(year=y, month=m).values("task_id")
        qs = qs.filter(Q(deadline__year=y, deadline__month=m) | Q(pk__in=planned))
    elif view == "overdue":
        qs = qs.filter(status__in=Task.TODO, deadline__lt=on)
    elif view == "awaiting":
        qs = qs.filter(status="reported")
    elif view != "all":
        raise Invalid(Problem(f"未知的列表「{view}」"))
    if year and view != "monthly":
        qs = qs.filter(year=year)
    return qs


def owners_of(tasks) -> dict[int, list[TaskOwner]]:
    out: dict[int, list[TaskOwner]] = defaultdict(list)
    ids = [t.pk for t in tasks]
    for i in range(0, len(ids), 500):
        for o in TaskOwner.objects.filter(task_id__in=ids[i : i + 500]).select_related("org", "user").order_by("id"):
            out[o.task_id].append(o)
    return out


def owner_labels(task: Task, owners: dict[int, list[TaskOwner]]) -> str:
    labels = [o.label for o in owners.get(task.pk, [])]
    return "、".join(labels) if labels else task.region.name


def plans_of(tasks) -> dict[int, list[TaskPlanItem]]:
    out: dict[int, list[TaskPlanItem]] = defaultdict(list)
    ids = [t.pk for t in tasks]
    for i in range(0, len(ids), 500):
        for p in TaskPlanItem.objects.filter(task_id__in=ids[i : i + 500]).order_by("year", "month", "id"):
            out[p.task_id].append(p)
    return out


@dataclass
class RollupRow:
    key: tuple
    owner: str
    region: str
    tasks: int = 0
    closed: int = 0
    verified: int = 0  # verified, not yet closed
    on_time: int = 0  # verified or closed, reported by the deadline
    awaiting: int = 0
    overdue: int = 0
    in_progress: int = 0  # the owners' turn, not yet due
    returns: int = 0
    titles: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.closed + self.verified

    @property
    def rate(self) -> str:
        return f"{self.done * 100 / self.tasks:.0f}%" if self.tasks else "—"

    @property
    def on_time_rate(self) -> str:
        return f"{self.on_time * 100 / self.tasks:.0f}%" if self.tasks else "—"


def rollup(user, date_from: dt.date, date_to: dt.date, on: dt.date | None = None) -> list[RollupRow]:
    """Per owner: the tasks due between the two dates and how they stand (半年小结, 年度汇总)."""
    on = on or today()
    tasks = list(
        visible(Task, user).filter(deadline__gte=date_from, deadline__lte=date_to).select_related("region").order_by("deadline", "id")
    )
    owners = owners_of(tasks)
    rows: dict[tuple, RollupRow] = {}
    for t in tasks:
        keys = []
        for o in owners.get(t.pk, []):
            if o.org_id:
                keys.append((("org", o.org_id), o.org.name, o.org.region_id))
            else:
                keys.append((("user", o.user_id), display_name(o.user), t.region_id))
        if not keys:
            keys.append((("region", t.region_id), t.region.name, t.region_id))
        for key, label, region_code in keys:
            row = rows.get(key)
            if row is None:
                row = rows[key] = RollupRow(key=key, owner=label, region=region_code)
            row.tasks += 1
            row.returns += t.return_count
            row.titles.append(t.title)
            if t.status == "closed":
                row.closed += 1
            elif t.status == "verified":
                row.verified += 1
            elif t.status == "reported":
                row.awaiting += 1
            elif t.deadline < on:
                row.overdue += 1
            else:
                row.in_progress += 1
            if t.status in ("verified", "closed") and t.reported_at and timezone.localtime(t.reported_at).date() <= t.deadline:
                row.on_time += 1
    names = dict(Region.objects.filter(code__in={r.region for r in rows.values()}).values_list("code", "name"))
    for r in rows.values():
        r.region = names.get(r.region, r.region)
    return sorted(rows.values(), key=lambda r: (-r.tasks, r.owner))


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise Invalid(Problem(f"季度「{quarter}」无效（1–4）", field="quarter"))
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def half_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    if half not in (1, 2):
        raise Invalid(Problem(f"半年「{half}」无效（1 上半年，2 下半年）", field="half"))
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


QUARTER_SECTIONS = [
    ("overdue", "逾期未完成"),
    ("awaiting", "已汇报待核验"),
    ("due", "本季度到期、正在办理"),
    ("verified", "已核验待销号"),
    ("later", "其他在办事项"),
]


def quarterly_agenda(user, year: int, quarter: int, on: dt.date | None = None) -> dict:
    """季例会: every open item in scope, in the order a meeting takes them up, plus what was
    closed during the quarter."""
    on = on or today()
    start, end = quarter_bounds(year, quarter)
    open_tasks = list(visible(Task, user).filter(status__in=Task.OPEN).select_related("region").order_by("deadline", "id"))
    sections = {key: [] for key, _ in QUARTER_SECTIONS}
    for t in open_tasks:
        if t.is_overdue(on):
            sections["overdue"].append(t)
        elif t.status == "reported":
            sections["awaiting"].append(t)
        elif t.status == "verified":
            sections["verified"].append(t)
        elif start <= t.deadline <= end:
            sections["due"].append(t)
        else:
            sections["later"].append(t)
    owners = owners_of(open_tasks)
    for t in open_tasks:
        t.owner_label = owner_labels(t, owners)
        t.days_late = (on - t.deadline).days if t.is_overdue(on) else 0
    closed = visible(Task, user).filter(status="closed", closed_at__date__gte=start, closed_at__date__lte=end).count()
    return {
        "year": year, "quarter": quarter, "start": start, "end": end, "on": on,
        "sections": [(key, label, sections[key]) for key, label in QUARTER_SECTIONS],
        "open_count": len(open_tasks), "overdue_count": len(sections["overdue"]), "closed_in_quarter": closed,
    }


# --- Organisations -----------------------------------------------------------------------------


def may_write_org(user, region_code: str, kind: str) -> bool:
    if user is None:
        return True
    if can_write(user, region_code, set(ORG_DEPT_ROLES)):
        return True
    return kind in TOWNSHIP_ORG_KINDS and can_write(user, region_code, {"township_supervisor"})


def may_see_names(user, region_code: str) -> bool:
    """Full names of members and leaders: the county organisation department only."""
    return user is None or code_in_scope(user, region_code, set(ORG_DEPT_ROLES))


def org_errors(*, name, kind, region_code, parent_id=None, purpose="", start_date=None, end_date=None,
               leader_name="", member_count=0, note="", row=None, file=None, exclude_pk=None) -> list[Problem]:
    problems: list[Problem] = []

    def p(msg, fld):
        problems.append(Problem(msg, row=row, field=fld, file=file))

    name = (name or "").strip()
    if not name:
        p("名称不能为空", "name")
    elif len(name) > 100:
        p("名称不能超过100个字", "name")
    if kind not in KIND_LABELS:
        p(f"类型「{kind}」无效（{'、'.join(KIND_LABELS.values())}）", "kind")
    if purpose and purpose not in PURPOSE_LABELS:
        p(f"用途「{purpose}」无效", "purpose")
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        p(f"区划「{region_code or ''}」不存在", "region")
    elif region.level == "group" and kind in REGULAR_ORG_KINDS:
        p("党委、党总支、党支部应设在村及以上", "region")
    if parent_id:
        parent = PartyOrg.objects.filter(pk=parent_id).first()
        if parent is None:
            p(f"上级党组织「{parent_id}」不存在", "parent")
        elif region is not None and not region.code.startswith(region_prefix(parent.region_id)):
            p(f"上级党组织「{parent.name}」不管辖「{region.name}」", "parent")
        elif parent.kind in ("commando_team", "temporary_branch", "grid_branch"):
            p(f"「{parent.name}」是{parent.get_kind_display()}，不能作为上级党组织", "parent")
        elif exclude_pk and parent.pk == exclude_pk:
            p("上级党组织不能是自己", "parent")
    if kind == "temporary_branch" and start_date is None:
        p("临时党支部须填写成立日期", "start_date")
    if kind == "commando_team" and start_date is None:
        p("党员突击队须填写组建日期", "start_date")
    if start_date and end_date and end_date < start_date:
        p(f"撤销日期 {end_date} 早于成立日期 {start_date}", "end_date")
    if start_date and start_date > today():
        p(f"成立日期 {start_date} 晚于今天", "start_date")
    if len(leader_name or "") > 50:
        p("负责人姓名不能超过50个字", "leader_name")
    if member_count is None or member_count < 0 or member_count > 100000:
        p("党员人数应为0到100000之间的整数", "member_count")
    if len(note or "") > 200:
        p("备注不能超过200个字", "note")
    return problems


ORG_FIELDS = ("name", "kind", "region_id", "parent_id", "purpose", "start_date", "end_date", "leader_name", "member_count", "note")


def create_org(user, *, name: str, kind: str, region_code: str, parent_id: int | None = None, purpose: str = "",
               start_date: dt.date | None = None, end_date: dt.date | None = None, leader_name: str = "",
               member_count: int = 0, note: str = "") -> PartyOrg:
    problems = org_errors(name=name, kind=kind, region_code=region_code, parent_id=parent_id, purpose=purpose, start_date=start_date,
                          end_date=end_date, leader_name=leader_name, member_count=member_count, note=note)
    if problems:
        raise Invalid(problems)
    if not may_write_org(user, region_code, kind):
        _refuse(user, "org.create", region_code=region_code)
        raise Refused("无权在该区划设立这类党组织")
    with transaction.atomic():
        org = PartyOrg.objects.create(
            name=name.strip(), kind=kind, region_id=region_code, parent_id=parent_id, purpose=purpose or "", start_date=start_date,
            end_date=end_date, leader_name=(leader_name or "").strip(), member_count=member_count or 0, note=(note or "").strip(),
            created_by=user,
        )
        audit.record("org.create", org, actor=user, region_code=region_code, new=_org_audit(org))
    return org


def _org_audit(org: PartyOrg) -> dict:
    snap = audit.snapshot(org, list(ORG_FIELDS))
    snap["leader_name"] = org.masked_leader
    return snap


def update_org(user, org: PartyOrg, **changes) -> PartyOrg:
    """Change an organisation (e.g. set the end date of a temporary branch when its work ends)."""
    current = {f: getattr(org, f) for f in ORG_FIELDS}
    current["region_code"] = current.pop("region_id")
    unknown = set(changes) - set(current)
    if unknown:
        raise Invalid(Problem(f"不能修改：{'、'.join(sorted(unknown))}"))
    merged = {**current, **changes}
    problems = org_errors(
        name=merged["name"], kind=merged["kind"], region_code=merged["region_code"], parent_id=merged["parent_id"],
        purpose=merged["purpose"], start_date=merged["start_date"], end_date=merged["end_date"], leader_name=merged["leader_name"],
        member_count=merged["member_count"], note=merged["note"], exclude_pk=org.pk,
    )
    if problems:
        raise Invalid(problems)
    if not (may_write_org(user, org.region_id, org.kind) and may_write_org(user, merged["region_code"], merged["kind"])):
        _refuse(user, "org.update", org.pk, org.region_id)
        raise Refused(f"无权修改「{org.name}」")
    with transaction.atomic():
        o = PartyOrg.objects.select_for_update().get(pk=org.pk)
        old = _org_audit(o)
        for key, value in merged.items():
            setattr(o, "region_id" if key == "region_code" else key, value.strip() if isinstance(value, str) else value)
        o.save()
        audit.record("org.update", o, actor=user, region_code=o.region_id, old=old, new=_org_audit(o))
    return o


def add_member(user, org: PartyOrg, *, name: str, position: str = "", is_party_member: bool = True,
               joined_on: dt.date | None = None) -> TeamMember:
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append(Problem("姓名不能为空", field="name"))
    elif len(name) > 50:
        problems.append(Problem("姓名不能超过50个字", field="name"))
    if len(position or "") > 50:
        problems.append(Problem("身份/职务不能超过50个字", field="position"))
    if problems:
        raise Invalid(problems)
    if not may_write_org(user, org.region_id, org.kind):
        _refuse(user, "org.member.add", org.pk, org.region_id)
        raise Refused(f"无权为「{org.name}」登记成员")
    with transaction.atomic():
        m = TeamMember.objects.create(org=org, name=name, position=(position or "").strip(), is_party_member=is_party_member, joined_on=joined_on)
        audit.record("org.member.add", m, actor=user, region_code=org.region_id, new={"org": org.pk, "name": m.masked_name})
    return m


def remove_member(user, member: TeamMember) -> None:
    org = member.org
    if not may_write_org(user, org.region_id, org.kind):
        _refuse(user, "org.member.remove", member.pk, org.region_id)
        raise Refused(f"无权移除「{org.name}」的成员")
    with transaction.atomic():
        audit.record("org.member.remove", member, actor=user, region_code=org.region_id, old={"org": org.pk, "name": member.masked_name})
        member.delete()


@dataclass
class OrgCount:
    kind: str
    label: str
    active: int = 0  # active on the day
    created: int = 0  # set up within the period
    people_active: int = 0  # members of the active ones (listed members, else the member count)
    people_created: int = 0


def org_counts(user, *, on: dt.date, date_from: dt.date, date_to: dt.date, region_code: str | None = None) -> list[OrgCount]:
    """Organisations by kind: how many were active on a day and how many were set up within a
    period, with their people (the brief's "636 temporary branches, 471 teams, 1,804 members")."""
    qs = visible(PartyOrg, user)
    if region_code:
        qs = qs.filter(region__code__startswith=region_prefix(region_code))
    listed = dict(
        TeamMember.objects.filter(org__in=qs).values_list("org_id").annotate(n=Count("id")).order_by()
    )
    rows = {kind: OrgCount(kind, label) for kind, label in PartyOrg.KINDS}
    for org in qs.only("id", "kind", "start_date", "end_date", "member_count"):
        people = listed.get(org.pk, org.member_count)
        row = rows[org.kind]
        if org.active_on(on):
            row.active += 1
            row.people_active += people
        if org.start_date and date_from <= org.start_date <= date_to:
            row.created += 1
            row.people_created += people
    return list(rows.values())


# --- Talks -------------------------------------------------------------------------------------


def talk_errors(*, kind, date, person_name, person_position="", talker, region_code, summary, origin="",
                row=None, file=None) -> list[Problem]:
    problems: list[Problem] = []

    def p(msg, fld):
        problems.append(Problem(msg, row=row, field=fld, file=file))

    if kind not in TALK_LABELS:
        p(f"谈话类型「{kind}」无效（{'、'.join(TALK_LABELS.values())}）", "kind")
    if not isinstance(date, dt.date):
        p("谈话日期无效", "date")
    elif date > today():
        p(f"谈话日期 {date} 晚于今天", "date")
    if not (person_name or "").strip():
        p("谈话对象不能为空", "person_name")
    elif len(person_name.strip()) > 50:
        p("谈话对象姓名不能超过50个字", "person_name")
    if len(person_position or "") > 100:
        p("职务不能超过100个字", "person_position")
    if not (talker or "").strip():
        p("谈话人不能为空", "talker")
    elif len(talker.strip()) > 100:
        p("谈话人不能超过100个字", "talker")
    if not Region.objects.filter(code=region_code or "").exists():
        p(f"区划「{region_code or ''}」不存在", "region")
    if not (summary or "").strip():
        p("谈话要点不能为空", "summary")
    elif len(summary) > 5000:
        p("谈话要点不能超过5000个字", "summary")
    if len(origin or "") > 100:
        p("关联来源不能超过100个字符", "origin")
    return problems


def record_talk(user, *, kind: str, date: dt.date, person_name: str, talker: str, region_code: str, summary: str,
                person_position: str = "", person_user_id: int | None = None, origin: str = "") -> Talk:
    """Record a talk. Only the organisation department may (and only it sees the rows)."""
    problems = talk_errors(kind=kind, date=date, person_name=person_name, person_position=person_position, talker=talker,
                           region_code=region_code, summary=summary, origin=origin)
    if person_user_id and not get_user_model().objects.filter(pk=person_user_id).exists():
        problems.append(Problem(f"用户「{person_user_id}」不存在", field="person_user"))
    if problems:
        raise Invalid(problems)
    if user is not None and not can_write(user, region_code, set(ORG_DEPT_ROLES)):
        _refuse(user, "talk.create", region_code=region_code)
        raise Refused("只有组织部门可以记录谈话")
    with transaction.atomic():
        talk = Talk.objects.create(
            kind=kind, date=date, person_name=person_name.strip(), person_position=(person_position or "").strip(),
            person_user_id=person_user_id, talker=talker.strip(), region_id=region_code, summary=summary.strip(),
            origin=origin or "", created_by=user,
        )
        # The trail keeps no summary and only the masked name: it is read by auditors too.
        from sanwu.regions.masking import mask_name

        audit.record("talk.create", talk, actor=user, region_code=region_code,
                     new={"kind": kind, "date": date, "person": mask_name(talk.person_name), "origin": origin})
    return talk


@dataclass
class TalkCount:
    kind: str
    label: str
    count: int = 0


def talk_counts(user, *, date_from: dt.date, date_to: dt.date, region_code: str | None = None) -> list[TalkCount]:
    """How many talks of each kind in a period, within the user's Party-work scope. Counts may be
    shown to every Party-work role; the rows and summaries only to the organisation department."""
    prefixes = prefixes_of(user, set(PARTY_ROLES)) if user is not None else [""]
    if not prefixes:
        return [TalkCount(k, label) for k, label in Talk.KINDS]
    cond = Q()
    for p in prefixes:
        cond |= Q(region__code__startswith=p)
    qs = Talk.objects.filter(cond, date__gte=date_from, date__lte=date_to)
    if region_code:
        qs = qs.filter(region__code__startswith=region_prefix(region_code))
    counts = dict(qs.values_list("kind").annotate(n=Count("id")).order_by())
    return [TalkCount(k, label, counts.get(k, 0)) for k, label in Talk.KINDS]


def may_see_talks(user) -> bool:
    return any(g.role in ORG_DEPT_ROLES for g in grants_of(user))
