"""Party work over HTTP (/api/v1/): organisations and their counts, the task ledger through its
closed loop (list, detail, assign, report, evidence, verify, return, close), talk counts, and talk
rows for the organisation department only.

Handlers are thin: they fetch through the scope gate (404 outside it) and call the services,
which check permissions themselves (`Refused` → 403, `Invalid` → 422 with Chinese messages).
"""

import datetime as dt

from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from sanwu.core.api_errors import Detail, responses as _responses
from sanwu.core.api_fields import Offset, page_limit
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.permissions import get_visible_or_404, refuse
from sanwu.core.views import serve_file

from . import services
from .models import MeetingItem, PartyOrg, Talk, Task, TaskEvidence, TeamMember

router = Router(tags=["党建工作"])


# --- Organisations -----------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str = Field(description="姓名（县委组织部以外脱敏）")
    position: str
    is_party_member: bool
    joined_on: dt.date | None


class OrgOut(Schema):
    id: int
    name: str
    kind: str = Field(description="committee / general_branch / branch / temporary_branch / grid_branch / commando_team")
    kind_label: str
    region: str
    region_name: str
    parent: int | None
    purpose: str
    start_date: dt.date | None
    end_date: dt.date | None
    leader: str = Field(description="负责人（县委组织部以外脱敏）")
    member_count: int
    members_listed: int


class OrgDetailOut(OrgOut):
    members: list[MemberOut]
    children: list[int]


class OrgIn(Schema):
    name: str
    kind: str
    region: str
    parent: int | None = None
    purpose: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    leader_name: str = ""
    member_count: int = Field(0, ge=0)
    note: str = ""


class OrgCountOut(Schema):
    kind: str
    label: str
    active: int = Field(description="在册日期当天存续的个数")
    people_active: int
    created: int = Field(description="期间内成立的个数")
    people_created: int


def _org(user, o: PartyOrg, listed: int | None = None) -> dict:
    full = services.may_see_names(user, o.region_id)
    if listed is None:
        listed = TeamMember.objects.filter(org=o).count()
    return {
        "id": o.pk, "name": o.name, "kind": o.kind, "kind_label": o.get_kind_display(), "region": o.region_id, "region_name": o.region.name,
        "parent": o.parent_id, "purpose": o.purpose, "start_date": o.start_date, "end_date": o.end_date,
        "leader": o.leader_name if full else o.masked_leader, "member_count": o.member_count, "members_listed": listed,
    }


@router.get("/party-orgs/counts", response=_responses(list[OrgCountOut]), summary="党组织按类型统计（在册、期内新建及人数）")
def org_counts(request, on: dt.date | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None, region: str | None = None):
    t = services.today()
    rows = services.org_counts(request.auth, on=on or t, date_from=date_from or dt.date(t.year, 1, 1), date_to=date_to or t, region_code=region)
    return [r.__dict__ for r in rows]


@router.get("/party-orgs", response=_responses(list[OrgOut]), summary="管辖范围内的党组织")
def orgs(request, kind: str | None = None, region: str | None = None, active_on: dt.date | None = None, q: str | None = None,
         limit: page_limit(5000) = 500, offset: Offset = 0):
    from django.db.models import Count, Q

    qs = PartyOrg.objects.visible_to(request.auth).select_related("region").annotate(listed=Count("members"))
    if kind:
        qs = qs.filter(kind=kind)
    if region and region.isdigit() and len(region) in (12, 15):
        qs = qs.filter(region__code__startswith=region_prefix(region))
    if active_on:
        qs = qs.filter(Q(start_date__isnull=True) | Q(start_date__lte=active_on)).filter(Q(end_date__isnull=True) | Q(end_date__gte=active_on))
    if q:
        qs = qs.filter(name__contains=q)
    return [_org(request.auth, o, o.listed) for o in qs.order_by("region_id", "kind", "id")[offset : offset + limit]]


@router.get("/party-orgs/{id}", response=_responses(OrgDetailOut), summary="一个党组织及其成员")
def org(request, id: int):
    user = request.auth
    o = get_visible_or_404(PartyOrg, user, pk=id)
    full = services.may_see_names(user, o.region_id)
    members = TeamMember.objects.visible_to(user).filter(org=o).order_by("id")
    return {
        **_org(user, o),
        "members": [{"id": m.pk, "name": m.name if full else m.masked_name, "position": m.position, "is_party_member": m.is_party_member,
                     "joined_on": m.joined_on} for m in members],
        "children": list(PartyOrg.objects.visible_to(user).filter(parent=o).order_by("id").values_list("pk", flat=True)),
    }


@router.post("/party-orgs", response=_responses(OrgDetailOut, 201), summary="新建党组织（含临时党支部、网格党支部、党员突击队）")
def org_create(request, payload: OrgIn):
    o = services.create_org(
        request.auth, name=payload.name, kind=payload.kind, region_code=payload.region, parent_id=payload.parent, purpose=payload.purpose,
        start_date=payload.start_date, end_date=payload.end_date, leader_name=payload.leader_name, member_count=payload.member_count,
        note=payload.note,
    )
    return Status(201, {**_org(request.auth, o), "members": [], "children": []})


# --- Tasks -------------------------------------------------------------------------------------


class OwnerOut(Schema):
    kind: str = Field(description="org / user")
    id: int
    name: str


class TaskBrief(Schema):
    id: int
    title: str
    year: int
    region: str
    region_name: str
    source_kind: str
    source_label: str
    source_ref: str
    origin: str
    deadline: dt.date
    status: str
    status_label: str
    overdue: bool
    assigner_region: str
    assigner: str | None
    assigned_on: dt.date
    return_count: int
    owners: list[OwnerOut]


class PlanItem(Schema):
    year: int
    month: int = Field(ge=1, le=12)
    item: str


class EvidenceOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class ReportOut(Schema):
    id: int
    at: dt.datetime
    by: str | None
    text: str
    evidence: list[EvidenceOut]


class TaskEventOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    actor: str | None
    actor_name: str
    from_status: str
    to_status: str
    note: str
    old_value: str = Field(description="延期：原完成时限；调整责任单位：原责任单位")
    new_value: str = Field(description="延期：新完成时限；调整责任单位：新责任单位")


class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    date: dt.date
    note: str


class TaskOut(TaskBrief):
    description: str
    return_reason: str
    reported_at: dt.datetime | None
    verified_at: dt.datetime | None
    closed_at: dt.datetime | None
    plan: list[PlanItem]
    reports: list[ReportOut]
    history: list[TaskEventOut]
    meetings: list[MeetingOut]


class TaskIn(Schema):
    title: str
    region: str = Field(description="责任区划代码")
    deadline: dt.date
    source_kind: str = Field(description="meeting / document / inspection / analysis / rectification / assessment")
    source_ref: str = ""
    description: str = ""
    owner_org_ids: list[int] = []
    owner_user_ids: list[int] = []
    origin: str = ""
    year: int | None = None
    plan: list[PlanItem] = []


class ReportIn(Schema):
    text: str


class VerifyIn(Schema):
    note: str = ""
    close: bool = Field(True, description="核验后同时销号")


class TaskReasonIn(Schema):
    reason: str = ""


class TaskNoteIn(Schema):
    note: str = ""


class ExtendIn(Schema):
    deadline: dt.date = Field(description="新的完成时限，须晚于原时限")
    reason: str = ""


class ReassignIn(Schema):
    owner_org_ids: list[int] = []
    owner_user_ids: list[int] = []
    reason: str = ""


def _owners(task: Task) -> list[dict]:
    out = []
    for o in task.owners.select_related("org", "user").order_by("id"):
        if o.org_id:
            out.append({"kind": "org", "id": o.org_id, "name": o.org.name})
        else:
            out.append({"kind": "user", "id": o.user_id, "name": services.display_name(o.user)})
    return out


def _brief(t: Task, on: dt.date) -> dict:
    return {
        "id": t.pk, "title": t.title, "year": t.year, "region": t.region_id, "region_name": t.region.name, "source_kind": t.source_kind,
        "source_label": t.get_source_kind_display(), "source_ref": t.source_ref, "origin": t.origin, "deadline": t.deadline,
        "status": t.status, "status_label": t.get_status_display(), "overdue": t.is_overdue(on), "assigner_region": t.assigner_region_id,
        "assigner": t.assigner.username if t.assigner_id else None, "assigned_on": t.assigned_on, "return_count": t.return_count,
        "owners": _owners(t),
    }


def _evidence_url(e: TaskEvidence) -> str:
    return reverse("api-1.0.0:partywork_evidence", kwargs={"id": e.report.task_id, "evidence_id": e.pk})


def _task(user, task: Task) -> dict:
    t = Task.objects.visible_to(user).select_related("region", "assigner").get(pk=task.pk)
    reports = t.reports.select_related("by").prefetch_related("evidence").order_by("at", "id")
    return {
        **_brief(t, services.today()),
        "description": t.description, "return_reason": t.return_reason, "reported_at": t.reported_at, "verified_at": t.verified_at,
        "closed_at": t.closed_at,
        "plan": [{"year": p.year, "month": p.month, "item": p.item} for p in t.plan.order_by("year", "month", "id")],
        "reports": [
            {"id": r.pk, "at": r.at, "by": r.by.username if r.by_id else None, "text": r.text,
             "evidence": [{"id": e.pk, "filename": e.filename, "content_type": e.content_type, "size": e.size, "sha256": e.sha256,
                           "url": _evidence_url(e)} for e in r.evidence.all()]}
            for r in reports
        ],
        "history": [
            {"at": e.at, "action": e.action, "action_label": e.action_label, "actor": e.actor.username if e.actor_id else None,
             "actor_name": services.display_name(e.actor), "from_status": e.from_status, "to_status": e.to_status, "note": e.note,
             "old_value": e.old_value, "new_value": e.new_value}
            for e in t.events.select_related("actor").order_by("at", "id")
        ],
        "meetings": [
            {"id": i.meeting_id, "kind": i.meeting.kind, "title": i.meeting.title, "date": i.meeting.date, "note": i.note}
            for i in MeetingItem.objects.visible_to(user).filter(task=t).select_related("meeting").order_by("meeting__date")
        ],
    }


def _get_task(request, id: int) -> Task:
    return get_visible_or_404(Task, request.auth, pk=id)


@router.get(
    "/tasks", response=_responses(list[TaskBrief]), summary="重点工作台账",
    description="view：all（全部）、mine（我的任务）、monthly（月清单，配合 year、month）、overdue（逾期未完成）、awaiting（待核验）。",
)
def tasks(request, view: str = "all", year: int | None = None, month: int | None = None, status: str | None = None,
          region: str | None = None, origin: str | None = None, limit: page_limit(5000) = 500, offset: Offset = 0):
    on = services.today()
    if month is not None and not (1 <= month <= 12):
        raise Invalid(Problem("月份应为1到12", field="month"))
    qs = services.tasks_for(request.auth, view, year=year, month=month, on=on)
    if status:
        qs = qs.filter(status=status)
    if region and region.isdigit() and len(region) in (12, 15):
        qs = qs.filter(region__code__startswith=region_prefix(region))
    if origin:
        qs = qs.filter(origin=origin)
    rows = qs.select_related("region", "assigner").order_by("deadline", "id")[offset : offset + limit]
    return [_brief(t, on) for t in rows]


@router.get("/tasks/{id}", response=_responses(TaskOut), summary="一项任务：责任单位、月计划、汇报与佐证材料、办理记录")
def task(request, id: int):
    return _task(request.auth, _get_task(request, id))


@router.post("/tasks", response=_responses(TaskOut, 201), summary="交办任务")
def assign(request, payload: TaskIn):
    plan: dict[tuple[int, int], list[str]] = {}
    for p in payload.plan:
        plan.setdefault((p.year, p.month), []).append(p.item)
    t = services.assign_task(
        request.auth, title=payload.title, region_code=payload.region, deadline=payload.deadline, source_kind=payload.source_kind,
        source_ref=payload.source_ref, description=payload.description, owner_org_ids=payload.owner_org_ids,
        owner_user_ids=payload.owner_user_ids, origin=payload.origin, year=payload.year, plan=plan,
    )
    return Status(201, _task(request.auth, t))


@router.post("/tasks/{id}/report", response=_responses(TaskOut), summary="责任单位汇报完成情况（已交办/已退回 → 待核验）")
def report(request, id: int, payload: ReportIn):
    t = services.report(request.auth, _get_task(request, id), payload.text)
    return _task(request.auth, t)


@router.post("/tasks/{id}/evidence", response=_responses(EvidenceOut, 201), summary="为最近一次汇报上传佐证材料（JPEG、PNG、PDF）")
def evidence_add(request, id: int, file: File[UploadedFile]):
    t = _get_task(request, id)
    if file.size > services.MAX_EVIDENCE_BYTES:
        raise Invalid(Problem(f"佐证材料「{file.name}」超过 {services.MAX_EVIDENCE_BYTES // 1024 // 1024} MB", field="file"))
    e = services.add_evidence(request.auth, t, file.name or "file", file.read())
    return Status(201, {"id": e.pk, "filename": e.filename, "content_type": e.content_type, "size": e.size, "sha256": e.sha256, "url": _evidence_url(e)})


_FILE_TYPES = {mime: {"schema": {"type": "string", "format": "binary"}} for mime in services.EVIDENCE_TYPES}


@router.get(
    "/tasks/{id}/evidence/{evidence_id}", response={404: Detail}, summary="下载佐证材料原文件", url_name="partywork_evidence",
    openapi_extra={"responses": {200: {"description": "佐证材料原文件", "content": _FILE_TYPES}}},
)
def evidence_file(request, id: int, evidence_id: int):
    t = _get_task(request, id)
    return serve_file(request, TaskEvidence, user=request.auth, cache="private, no-store", pk=evidence_id, report__task=t)


@router.post("/tasks/{id}/verify", response=_responses(TaskOut), summary="交办单位核验（待核验 → 已核验，默认同时销号）")
def verify(request, id: int, payload: VerifyIn):
    t = services.verify(request.auth, _get_task(request, id), payload.note, close=payload.close)
    return _task(request.auth, t)


@router.post("/tasks/{id}/return", response=_responses(TaskOut), summary="交办单位退回（待核验 → 已退回），须写明原因")
def return_(request, id: int, payload: TaskReasonIn):
    t = services.return_task(request.auth, _get_task(request, id), payload.reason)
    return _task(request.auth, t)


@router.post("/tasks/{id}/close", response=_responses(TaskOut), summary="销号（只有已核验的任务）")
def close(request, id: int, payload: TaskNoteIn):
    t = services.close(request.auth, _get_task(request, id), payload.note)
    return _task(request.auth, t)


@router.post("/tasks/{id}/extend", response=_responses(TaskOut), summary="延期（交办单位或县委组织部；新时限须晚于原时限，须写明原因；已销号的不能延期）")
def extend(request, id: int, payload: ExtendIn):
    t = services.extend_deadline(request.auth, _get_task(request, id), payload.deadline, payload.reason)
    return _task(request.auth, t)


@router.post("/tasks/{id}/reassign", response=_responses(TaskOut), summary="调整责任单位（交办单位或县委组织部；须写明原因；已销号的不能调整）")
def reassign(request, id: int, payload: ReassignIn):
    t = services.reassign(request.auth, _get_task(request, id), payload.owner_org_ids, payload.owner_user_ids, payload.reason)
    return _task(request.auth, t)


# --- Talks -------------------------------------------------------------------------------------


class TalkCountOut(Schema):
    kind: str = Field(description="reminder / encouragement / caring / warning")
    label: str
    count: int


class TalkOut(Schema):
    id: int
    kind: str
    kind_label: str
    date: dt.date
    person_name: str
    person_position: str
    talker: str
    region: str
    summary: str


class TalkIn(Schema):
    kind: str = Field(description="reminder / encouragement / caring / warning")
    date: dt.date
    person_name: str
    person_position: str = ""
    talker: str
    region: str = Field(description="谈话对象所在区划代码")
    summary: str
    origin: str = ""


def _talk(t: Talk) -> dict:
    return {"id": t.pk, "kind": t.kind, "kind_label": t.get_kind_display(), "date": t.date, "person_name": t.person_name,
            "person_position": t.person_position, "talker": t.talker, "region": t.region_id, "summary": t.summary}


@router.get("/talks/counts", response=_responses(list[TalkCountOut]), summary="谈话人次（按类型；不含对象和要点）")
def talk_counts(request, date_from: dt.date | None = None, date_to: dt.date | None = None, region: str | None = None):
    t = services.today()
    rows = services.talk_counts(request.auth, date_from=date_from or dt.date(t.year, 1, 1), date_to=date_to or t, region_code=region)
    return [r.__dict__ for r in rows]


@router.get("/talks", response=_responses(list[TalkOut]), summary="谈话记录（仅组织部门：县级监管、市级管理员）")
def talks(request, kind: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None, limit: page_limit(5000) = 500, offset: Offset = 0):
    user = request.auth
    if not services.may_see_talks(user):
        refuse(user, "partywork.talk")
        raise Refused("谈话记录仅组织部门可见")
    qs = Talk.objects.visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return [_talk(t) for t in qs.order_by("-date", "-id")[offset : offset + limit]]


@router.post("/talks", response=_responses(TalkOut, 201), summary="记录谈话（仅组织部门）")
def talk_create(request, payload: TalkIn):
    t = services.record_talk(
        request.auth, kind=payload.kind, date=payload.date, person_name=payload.person_name, person_position=payload.person_position,
        talker=payload.talker, region_code=payload.region, summary=payload.summary, origin=payload.origin,
    )
    return Status(201, _talk(t))
