"""Dispatch meetings (调度会) and inspections (督导) recorded against the tasks they took up."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem
from sanwu.regions.models import Region

from ..models import Meeting, MeetingItem, Task, TaskEvent
from .access import ASSIGN_ROLES
from .common import MEETING_LABELS, today


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
        seen = set(permissions.visible(Task, user).filter(pk__in=task_ids).values_list("pk", flat=True))
        for t in tasks:
            if t.pk not in seen or not t.region_id.startswith(prefix):
                problems.append(Problem(f"任务「{t.title}」不在「{region.name}」范围内", field="tasks"))
            elif isinstance(date, dt.date) and t.assigned_on > date:
                problems.append(Problem(f"任务「{t.title}」{t.assigned_on} 才交办，晚于{MEETING_LABELS.get(kind, '')}日期", field="tasks"))
    if len(tasks) != len(task_ids):
        problems.append(Problem("有的任务不存在", field="tasks"))
    if problems:
        raise Invalid(problems)
    permissions.require(user, ASSIGN_ROLES, region_code, "记录该单位的调度会或督导", object_type="partywork.meeting.create")
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
            TaskEvent.record(
                user, kind, from_status=t.status, to_status=t.status, task=t, at=at,
                note=f"{MEETING_LABELS[kind]}：{title}" + (f"（{notes[t.pk]}）" if notes.get(t.pk) else ""),
            )
        audit.record("meeting.create", m, actor=user, region_code=region_code, new={"kind": kind, "title": title, "date": date, "tasks": task_ids})
    return m
