"""The task lists (mine, the monthly list, overdue, awaiting verification, all), their owners and
plans, and the roll-ups a meeting reads: per owner (半年小结, 年度汇总) and the quarterly agenda (季例会)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from sanwu.core import permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.scope import grants_of
from sanwu.regions.models import Region

from ..models import Task, TaskOwner, TaskPlanItem
from .access import REPORT_ROLES
from .common import display_name, today

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
    qs = permissions.visible(Task, user)
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
        permissions.visible(Task, user).filter(deadline__gte=date_from, deadline__lte=date_to).select_related("region").order_by("deadline", "id")
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
    open_tasks = list(permissions.visible(Task, user).filter(status__in=Task.OPEN).select_related("region").order_by("deadline", "id"))
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
    closed = permissions.visible(Task, user).filter(status="closed", closed_at__date__gte=start, closed_at__date__lte=end).count()
    return {
        "year": year, "quarter": quarter, "start": start, "end": end, "on": on,
        "sections": [(key, label, sections[key]) for key, label in QUARTER_SECTIONS],
        "open_count": len(open_tasks), "overdue_count": len(sections["overdue"]), "closed_in_quarter": closed,
    }
