"""The columns of party work's lists, written once: the pages' Excel/CSV/JSON downloads and the
tables `sanwu partywork …` (and its alias `sanwu tasks …`) prints both build them here.

The task list's headers are the import file's (`imports.LABELS`), so an exported sheet can be
edited and imported as a new list. Where the page's download and the command line print a list
differently today (organisations, the counts), both shapes stand side by side below."""

from django.utils import timezone

from sanwu.core.tables import Column, Table

from . import imports, services


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- Tasks ---------------------------------------------------------------------------------------


def task_table(tasks, title: str = "重点工作台账") -> Table:
    """Every task with all its columns; the headers are the import file's, so an exported sheet
    can be edited and imported as a new list."""
    tasks = list(tasks)
    owners = services.owners_of(tasks)
    plans = services.plans_of(tasks)
    on = services.today()
    L = imports.LABELS
    cols = [
        Column("id", L["id"]), Column("title", L["title"], width=36), Column("region", L["region"], width=16),
        Column("region_name", L["region_name"]), Column("deadline", L["deadline"], width=12), Column("source_kind", L["source_kind"]),
        Column("source_ref", L["source_ref"], width=20), Column("description", L["description"], width=30),
        Column("owner_orgs", L["owner_orgs"], width=24), Column("owner_users", L["owner_users"]), Column("year", L["year"]),
        *[Column(key, L[key], width=16) for key in imports.MONTH_KEYS],
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


ROLLUP_COLUMNS = [
    Column("owner", "责任单位/责任人", width=28), Column("region", "区划", width=14), Column("tasks", "任务数"),
    Column("closed", "已销号"), Column("verified", "已核验待销号"), Column("on_time", "按期完成"), Column("awaiting", "待核验"),
    Column("overdue", "逾期未完成"), Column("in_progress", "正在办理"), Column("returns", "退回次数"), Column("rate", "完成率"),
    Column("on_time_rate", "按期完成率"),
]


def rollup_table(title: str, rows) -> Table:
    """Per owner (按责任单位, 半年小结, 年度汇总): `services.rollup`'s rows."""
    return Table(
        title, ROLLUP_COLUMNS,
        [{**{c.key: getattr(r, c.key) for c in ROLLUP_COLUMNS}} for r in rows],
    )


def agenda_table(agenda) -> Table:
    """季例会: `services.quarterly_agenda`'s sections, one row per task."""
    rows = []
    for key, label, tasks in agenda["sections"]:
        for t in tasks:
            rows.append({
                "section": label, "title": t.title, "region": t.region.name, "owner": t.owner_label, "deadline": t.deadline,
                "status": t.get_status_display(), "days_late": t.days_late or "", "source": t.get_source_kind_display(),
                "source_ref": t.source_ref, "returns": t.return_count,
            })
    return Table(
        f"{agenda['year']}年第{agenda['quarter']}季度例会",
        [Column("section", "类别", width=18), Column("title", "任务", width=36), Column("region", "区划"), Column("owner", "责任单位", width=24),
         Column("deadline", "完成时限", width=12), Column("status", "状态"), Column("days_late", "逾期天数"), Column("source", "来源"),
         Column("source_ref", "来源文号", width=20), Column("returns", "退回次数")],
        rows,
    )


def meetings_table(meetings, task_titles: dict[int, list[str]]) -> Table:
    """Dispatch meetings and inspections; `task_titles`: meeting id → the titles of the tasks it
    took up that the reader may see."""
    rows = [
        {"date": m.date, "kind": m.get_kind_display(), "title": m.title, "region": m.region.name, "note": m.note,
         "tasks": "；".join(task_titles.get(m.pk, []))}
        for m in meetings
    ]
    return Table("调度会与督导", [Column("date", "日期", width=12), Column("kind", "类型"), Column("title", "名称", width=30),
                            Column("region", "召开/组织单位"), Column("note", "内容与要求", width=40), Column("tasks", "涉及任务", width=50)], rows)


# --- Organisations -------------------------------------------------------------------------------


def orgs_table(orgs, user) -> Table:
    """The organisations list (`orgs` annotated with `listed`, the members on record), as the page
    downloads it and `sanwu partywork orgs` prints it: full leader names only for the
    organisation department (the command line, even as the system operator, prints them masked)."""
    rows = []
    for o in orgs:
        full = user is not None and services.may_see_names(user, o.region_id)
        rows.append({
            "id": o.pk, "name": o.name, "kind": o.get_kind_display(), "region": o.region_id, "parent": o.parent.name if o.parent else "",
            "purpose": o.get_purpose_display() if o.purpose else "", "start_date": o.start_date, "end_date": o.end_date,
            "leader": o.leader_name if full else o.masked_leader, "members": o.listed or o.member_count, "region_name": o.region.name,
            "note": o.note,
        })
    return Table("党组织", [
        Column("id", "编号"), Column("name", "名称", width=30), Column("kind", "类型"), Column("region", "区划代码", width=16),
        Column("parent", "上级党组织", width=24), Column("purpose", "用途"), Column("start_date", "成立日期", width=12),
        Column("end_date", "撤销日期", width=12), Column("leader", "负责人"), Column("members", "人数"),
        Column("region_name", "区划名称"), Column("note", "备注", width=24),
    ], rows)


# --- Counts (the statistics page and `sanwu partywork counts|talk-counts`) ------------------------


def period_text(date_from, date_to) -> str:
    return f"{date_from:%Y-%m-%d}至{date_to:%Y-%m-%d}"


def org_counts_table(rows, on, period: str) -> Table:
    """`services.org_counts` by kind (its code for scripts, its name for people), as the
    statistics page downloads it and `sanwu partywork counts` prints it."""
    return Table(f"党组织（{period}）", [
        Column("kind", "类型代码"), Column("label", "类型"), Column("active", f"{on:%Y-%m-%d}在册（个）"), Column("people_active", "在册人数"),
        Column("created", "期内新建（个）"), Column("people_created", "期内新建人数"),
    ], [{"kind": r.kind, "label": r.label, "active": r.active, "people_active": r.people_active, "created": r.created,
         "people_created": r.people_created} for r in rows])


def talk_counts_table(rows, period: str, *, total: bool = True) -> Table:
    """`services.talk_counts` by kind, as the statistics page downloads it (with the total) and
    `sanwu partywork talk-counts` prints it (`total=False`: one row per kind, for scripts)."""
    out = [{"kind": r.kind, "label": r.label, "count": r.count} for r in rows]
    if total:
        out.append({"kind": "", "label": "合计", "count": sum(r.count for r in rows)})
    return Table(f"谈话（{period}）", [Column("kind", "类型代码"), Column("label", "谈话类型"), Column("count", "人次")], out)


# --- Talks ---------------------------------------------------------------------------------------


def talks_table(talks) -> Table:
    """The talks page's download (the organisation department only); its headers are the talk
    import's, so an exported sheet imports again."""
    return Table("谈话记录", [
        Column("date", "谈话日期", width=12), Column("kind", "类型"), Column("person", "谈话对象"), Column("position", "职务", width=24),
        Column("region", "所在区划"), Column("talker", "谈话人", width=20), Column("summary", "谈话要点", width=50),
        Column("region_code", "区划代码", width=16),
    ], [{"date": t.date, "kind": t.get_kind_display(), "person": t.person_name, "position": t.person_position, "region": t.region.name,
         "talker": t.talker, "summary": t.summary, "region_code": t.region_id} for t in talks])
