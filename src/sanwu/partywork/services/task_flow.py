"""The key-work task ledger run closed loop: assign → report (with evidence) → send back or verify
→ close; a later deadline and new owners on an open task. `assign_task` is the one door other
apps (analysis rounds, rectification, assessments) use to put work into the ledger.

Every state change runs in one transaction with the task's row locked, writes a history row
(`TaskEvent`: who, when, from, to, note) and the audit trail."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanwu.core import audit, permissions, uploads
from sanwu.core.codes import county_of, region_level, region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.scope import code_in_scope
from sanwu.regions.models import Region
from sanwu.workbench.services import inbox

from ..models import PartyOrg, Task, TaskEvent, TaskEvidence, TaskOwner, TaskPlanItem, TaskReport
from .access import ASSIGN_ROLES, REPORT_ROLES, assigning_grant, may_change, may_report, may_verify
from .common import MAX_EVIDENCE_BYTES, REGULAR_ORG_KINDS, SOURCE_LABELS, display_name, today


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


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


def owner_choices(user, region_code: str | None):
    """Organisations within the region (standing ones first) and the users who report there: what
    a form offers as owners."""
    if not region_code:
        return [], []
    prefix = region_prefix(region_code)
    on = today()
    orgs = list(
        PartyOrg.objects.visible_to(user).filter(region__code__startswith=prefix).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("region_id", "kind", "name")[:300]
    )
    users = list(
        get_user_model().objects.filter(is_active=True, role_assignments__region_id=region_code, role_assignments__role__in=REPORT_ROLES)
        .distinct().order_by("username")[:50]
    )
    return orgs, users


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
        assigner_region = region_code if level in ("county", "city") else county_of(region_code)
    else:
        grant = assigning_grant(user, region_code)
        if grant is None:
            permissions.refuse(user, "partywork.task.assign", region_code=region_code)
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
        TaskEvent.record(user, "assign", to_status="assigned", note=f"完成时限 {deadline}", task=task, at=moment)
        audit.record(
            "task.assign", task, actor=user, region_code=region_code,
            new={"title": task.title, "region": region_code, "deadline": deadline, "source": source_kind, "origin": origin,
                 "owner_orgs": owner_org_ids, "owner_users": owner_user_ids},
        )
        inbox.notify(_owner_side(task), "assigned", f"交办任务：{task.title}", body=f"完成时限 {deadline}", subject=task, region_code=region_code, exclude=user)
    return task


def _owner_side(task: Task) -> list:
    """Who hears of a task's assignment or return: its owner users and the owner-side roles bound
    to its region."""
    users = list(get_user_model().objects.filter(pk__in=task.owners.filter(user__isnull=False).values("user_id")))
    return users + inbox.holders(REPORT_ROLES, task.region_id, exact=True)


def _locked(task: Task, allowed: tuple[str, ...], action: str) -> Task:
    t = Task.objects.select_for_update().get(pk=task.pk)
    if t.status not in allowed:
        raise Invalid(Problem(f"任务「{t.title}」状态为「{t.get_status_display()}」，不能{action}"))
    return t

# --- Tasks: report, send back, verify, close ---------------------------------------------------


def evidence_errors(filename: str, data: bytes) -> list[Problem]:
    return uploads.upload_errors(filename, data, what="佐证材料", max_bytes=MAX_EVIDENCE_BYTES)


def report(user, task: Task, text: str, files: list[tuple[str, bytes]] = (), at: dt.datetime | None = None) -> Task:
    """The owners report the work done, with evidence: assigned/returned → reported."""
    if not may_report(user, task):
        permissions.refuse(user, "partywork.task.report", task.pk, task.region_id)
        raise Refused(f"无权汇报任务「{task.title}」（只有责任单位可以汇报）")
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
        stored = [TaskEvidence.store(user, name, data, report=rep) for name, data in files]
        frm = t.status
        t.status, t.reported_at, t.return_reason = "reported", moment, ""
        t.save(update_fields=["status", "reported_at", "return_reason"])
        TaskEvent.record(user, "report", from_status=frm, to_status="reported", note=text[:500], task=t, at=moment)
        audit.record(
            "task.report", t, actor=user, region_code=t.region_id, old={"status": frm},
            new={"status": "reported", "report": rep.pk, "evidence": [e.sha256 for e in stored]},
        )
        inbox.notify(inbox.holders(ASSIGN_ROLES, t.assigner_region_id, exact=True), "answered", f"任务已汇报，待核验：{t.title}", body=text[:200], subject=t, region_code=t.region_id, exclude=user)
    return t


def add_evidence(user, task: Task, filename: str, data: bytes) -> TaskEvidence:
    """Add a file to the latest report while it waits for verification."""
    if not may_report(user, task):
        permissions.refuse(user, "partywork.task.evidence", task.pk, task.region_id)
        raise Refused(f"无权为任务「{task.title}」上传佐证材料")
    problems = evidence_errors(filename, data)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        t = _locked(task, ("reported",), "补充佐证材料")
        rep = t.reports.order_by("-at", "-id").first()
        ev = TaskEvidence.store(user, filename, data, report=rep)
        audit.record("task.evidence", ev, actor=user, region_code=t.region_id, new={"task": t.pk, "sha256": ev.sha256, "size": ev.size})
    return ev


def return_task(user, task: Task, reason: str, at: dt.datetime | None = None) -> Task:
    """The assigner sends a report back with a reason: reported → returned."""
    if not may_verify(user, task):
        permissions.refuse(user, "partywork.task.return", task.pk, task.region_id)
        raise Refused(f"无权退回任务「{task.title}」（只有交办单位可以退回）")
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
        TaskEvent.record(user, "return", from_status="reported", to_status="returned", note=reason, task=t, at=moment)
        audit.record("task.return", t, actor=user, region_code=t.region_id, old={"status": "reported"}, new={"status": "returned", "reason": reason})
        inbox.notify(_owner_side(t), "returned", f"任务被退回：{t.title}", body=f"退回原因：{reason}", subject=t, region_code=t.region_id, exclude=user)
    return t


def verify(user, task: Task, note: str = "", close: bool = True, at: dt.datetime | None = None) -> Task:
    """The assigner verifies the report (reported → verified) and, by default, closes the task
    in the same step (verified → closed, 核验销号). Never the user who made the report."""
    if not may_verify(user, task):
        permissions.refuse(user, "partywork.task.verify", task.pk, task.region_id)
        raise Refused(f"无权核验任务「{task.title}」（只有交办单位可以核验）")
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
        TaskEvent.record(user, "verify", from_status="reported", to_status="verified", note=note, task=t, at=moment)
        audit.record("task.verify", t, actor=user, region_code=t.region_id, old={"status": "reported"}, new={"status": "verified", "note": note})
        if close:
            _close(t, user, moment, "")
    return t


def close(user, task: Task, note: str = "", at: dt.datetime | None = None) -> Task:
    """销号: only a verified task is closed."""
    if not may_verify(user, task):
        permissions.refuse(user, "partywork.task.close", task.pk, task.region_id)
        raise Refused(f"无权为任务「{task.title}」销号")
    moment = _now(at)
    with transaction.atomic():
        t = _locked(task, ("verified",), "销号（只有已核验的任务才能销号）")
        _close(t, user, moment, (note or "").strip()[:500])
    return t


def _close(t: Task, user, moment, note: str) -> None:
    frm = t.status
    t.status, t.closed_at = "closed", moment
    t.save(update_fields=["status", "closed_at"])
    TaskEvent.record(user, "close", from_status=frm, to_status="closed", note=note, task=t, at=moment)
    audit.record("task.close", t, actor=user, region_code=t.region_id, old={"status": frm}, new={"status": "closed"})


def close_by_origin(user, task_id: int | None, note: str, at: dt.datetime | None = None) -> Task | None:
    """The app a task follows (its `origin`) settled the matter itself — a rectification
    delisted by its passed acceptance check — so the task is closed (销号) whatever its open state,
    with `note` saying why; a task closed already is left as it is. Called by that app inside its
    own transaction after its own permission check (the acceptance check is the verification)."""
    if task_id is None:
        return None
    with transaction.atomic():
        t = Task.objects.select_for_update().filter(pk=task_id).first()
        if t is None or t.status not in Task.OPEN:
            return t
        _close(t, user, _now(at), (note or "").strip()[:500])
    return t


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
    if not may_change(user, task):
        permissions.refuse(user, "partywork.task.extend", task.pk, task.region_id)
        raise Refused(f"无权为任务「{task.title}」延期（只有交办单位可以延期）")
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
        TaskEvent.record(
            user, "extend", from_status=t.status, to_status=t.status, note=reason, task=t, at=moment,
            old_value=old.isoformat(), new_value=deadline.isoformat(),
        )
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
    if not may_change(user, task):
        permissions.refuse(user, "partywork.task.reassign", task.pk, task.region_id)
        raise Refused(f"无权调整任务「{task.title}」的责任单位（只有交办单位可以调整）")
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
        TaskEvent.record(
            user, "reassign", from_status=t.status, to_status=t.status, note=reason, task=t, at=moment,
            old_value=old_text[:500], new_value=_owner_text(org_ids, user_ids)[:500],
        )
        audit.record(
            "task.reassign", t, actor=user, region_code=t.region_id, old={"owner_orgs": old_orgs, "owner_users": old_users},
            new={"owner_orgs": org_ids, "owner_users": user_ids, "reason": reason},
        )
    return t
