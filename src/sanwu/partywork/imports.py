"""Task-list import from CSV or XLSX: one row per task. All or nothing — every problem in the
file is listed by row and column, and a bad file writes nothing.

Columns (Chinese or English headers):
    任务/title  区划代码/region  完成时限/deadline  来源/source_kind  (required)
    来源文号/source_ref  具体要求/description  责任单位/owner_orgs  责任人/owner_users  年度/year
    1月 … 12月 (the monthly plan: items planned that month, several separated by ；or a new line)

责任单位 names Party organisations within the task's region (several separated by 、), 责任人
usernames. The informational columns of the export (状态, 交办单位 …) are accepted and ignored,
so an exported sheet can be edited and imported as a new task list.

The register of organisations (`parse_orgs`) and talks (`parse_talks`: 谈话日期, 类型, 谈话对象,
职务, 区划代码 or 所在区划, 谈话人, 谈话要点 — the talks export's own columns) follow the same rules;
talks only for the organisation department, and a row identical to a talk already recorded is
skipped, so an exported sheet imported again adds only its new rows.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.readers import parse_date, read_rows
from sanwu.regions.models import Region

from . import services
from .models import ORG_DEPT_ROLES, PartyOrg, Talk, Task

MONTH_KEYS = {f"m{m}": m for m in range(1, 13)}

COLUMNS: dict[str, list[str]] = {
    "title": ["任务", "任务名称", "工作任务", "重点工作", "标题"],
    "region": ["区划代码", "责任区划代码", "区划", "责任区划"],
    "deadline": ["完成时限", "截止日期", "时限"],
    "source_kind": ["来源", "任务来源"],
    "source_ref": ["来源文号", "文号", "会议/文件"],
    "description": ["具体要求", "要求", "说明"],
    "owner_orgs": ["责任单位", "责任党组织"],
    "owner_users": ["责任人", "责任人账号"],
    "year": ["年度", "年份"],
    **{key: [f"{m}月", f"{m:02d}月"] for key, m in MONTH_KEYS.items()},
    # informational columns of the export, ignored on import
    "id": ["编号"],
    "region_name": ["区划名称"],
    "status": ["状态"],
    "assigner_region": ["交办单位"],
    "assigner": ["交办人"],
    "assigned_on": ["交办日期"],
    "reported_at": ["最近汇报"],
    "returns": ["退回次数"],
    "closed_at": ["销号时间"],
    "overdue": ["是否逾期"],
}
REQUIRED = ("title", "region", "deadline", "source_kind")
LABELS = {key: names[0] for key, names in COLUMNS.items()}
SOURCE_NAMES = {
    **{k: k for k in services.SOURCE_LABELS},
    **{v: k for k, v in services.SOURCE_LABELS.items()},
    "督导": "inspection", "检查": "inspection", "研判": "analysis", "整顿": "rectification", "文件精神": "document",
}

_SPLIT_NAMES = re.compile(r"[、,，;；\n]+")
_SPLIT_ITEMS = re.compile(r"[；;\n]+")


def find_region(text: str, visible, cache: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """The region a cell names — a code, or a name unique within `visible` (the user's regions):
    (code, None), or (None, the problem in Chinese). `cache` keeps names already looked up."""
    if not text:
        return None, "区划不能为空"
    if text.isdigit():
        if visible.filter(code=text).exists():
            return text, None
        return None, f"区划代码「{text}」不存在或不在您的管辖范围内"
    if text not in cache:
        cache[text] = list(visible.filter(name=text).values_list("code", flat=True)[:3])
    found = cache[text]
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, f"区划「{text}」不存在或不在您的管辖范围内"
    return None, f"区划名称「{text}」不唯一，请填写区划代码"


def _problem(msg: str, line: int, key: str, file: str) -> Problem:
    return Problem(msg, row=line, field=column(key), file=file)


def column(key: str) -> str:
    """How a problem names a column: its Chinese header and its key, 「完成时限（deadline）」."""
    return f"{LABELS[key]}（{key}）" if key in LABELS else key


def parse_tasks(user, data: bytes, filename: str) -> list[dict]:
    """Read and check the whole file; return the tasks as keyword arguments of
    `services.assign_task`, or raise `Invalid` listing every problem (file, row, column)."""
    name = Path(filename).name
    keys, rows = read_rows(data, name, COLUMNS)
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{LABELS[k]}（{k}）」", row=1, field=column(k), file=name) for k in missing])
    visible = Region.objects.visible_to(user) if user is not None else Region.objects.all()
    by_name: dict[str, list[str]] = {}
    problems: list[Problem] = []
    out: list[dict] = []
    User = get_user_model()
    for line, row in rows:
        bad = []

        def p(msg, key):
            bad.append(_problem(msg, line, key, name))

        title = row.get("title", "")
        if not title:
            p("任务名称不能为空", "title")
        elif len(title) > 200:
            p("任务名称不能超过200个字", "title")
        # region: a code, or a name unique within the user's scope
        text = row.get("region", "")
        region_code, trouble = find_region(text, visible, by_name)
        if trouble:
            p(trouble, "region")
        if region_code is not None and not services.may_assign(user, region_code):
            p(f"无权向「{text}」交办任务", "region")
            region_code = None
        deadline = parse_date(row.get("deadline", ""))
        if deadline is None:
            p(f"完成时限「{row.get('deadline', '')}」不是有效日期（如 2025-06-30）", "deadline")
        elif deadline < services.today():
            p(f"完成时限 {deadline} 已经过去", "deadline")
        source_text = row.get("source_kind", "")
        source_kind = SOURCE_NAMES.get(source_text)
        if source_kind is None:
            p(f"来源「{source_text}」无效（{'、'.join(services.SOURCE_LABELS.values())}）", "source_kind")
        if len(row.get("source_ref", "")) > 100:
            p("来源文号不能超过100个字", "source_ref")
        if len(row.get("description", "")) > 5000:
            p("具体要求不能超过5000个字", "description")
        year = None
        if row.get("year"):
            y = row["year"].removesuffix("年")
            if y.isdigit() and 2000 <= int(y) <= 2100:
                year = int(y)
            else:
                p(f"年度「{row['year']}」无效", "year")
        year = year or (deadline.year if deadline else None)
        org_ids: list[int] = []
        for org_name in [n.strip() for n in _SPLIT_NAMES.split(row.get("owner_orgs", "")) if n.strip()]:
            if region_code is None:
                continue
            found = list(
                PartyOrg.objects.filter(name=org_name, region__code__startswith=region_prefix(region_code)).values_list("pk", flat=True)[:2]
            )
            if len(found) == 1:
                org_ids.append(found[0])
            elif not found:
                p(f"责任单位「{org_name}」不在该区划内", "owner_orgs")
            else:
                p(f"责任单位「{org_name}」不唯一", "owner_orgs")
        user_ids: list[int] = []
        for username in [n.strip() for n in _SPLIT_NAMES.split(row.get("owner_users", "")) if n.strip()]:
            u = User.objects.filter(username=username, is_active=True).first()
            if u is None:
                p(f"责任人账号「{username}」不存在", "owner_users")
            else:
                user_ids.append(u.pk)
        plan: dict[tuple[int, int], list[str]] = {}
        for key, month in MONTH_KEYS.items():
            items = [i.strip() for i in _SPLIT_ITEMS.split(row.get(key, "")) if i.strip()]
            for item in items:
                if len(item) > 200:
                    p(f"{month}月的计划事项不能超过200个字", key)
            if items and year:
                plan[(year, month)] = items
        if not bad and region_code is not None and deadline is not None and source_kind is not None:
            # The service's own rules (owners in the region, owners able to report …), by row.
            for prob in services.task_errors(
                title=title, region_code=region_code, deadline=deadline, source_kind=source_kind,
                source_ref=row.get("source_ref", ""), description=row.get("description", ""),
                owner_org_ids=org_ids, owner_user_ids=user_ids, assigned_on=services.today(), plan=plan,
            ):
                key = {"owner_orgs": "owner_orgs", "owner_users": "owner_users", "plan": "m1"}.get(prob.field, prob.field or "title")
                p(prob.message, key)
        problems.extend(bad)
        if not bad:
            out.append(
                {
                    "title": title, "region_code": region_code, "deadline": deadline, "source_kind": source_kind,
                    "source_ref": row.get("source_ref", ""), "description": row.get("description", ""),
                    "owner_org_ids": org_ids, "owner_user_ids": user_ids, "year": year, "plan": plan,
                    "origin": f"import:{name}"[:100],
                }
            )
    if problems:
        raise Invalid(problems)
    if not out:
        raise Invalid(Problem("文件中没有数据行", file=name))
    return out


def import_tasks(user, data: bytes, filename: str) -> list[Task]:
    """Assign every task of the file in one transaction, or none."""
    drafts = parse_tasks(user, data, filename)
    with transaction.atomic():
        tasks = [services.assign_task(user, **d) for d in drafts]
        audit.record(
            "task.import", object_type="partywork.task", actor=user,
            new={"file": Path(filename).name, "tasks": len(tasks)},
            region_code=min((t.region_id for t in tasks), key=len),
        )
    return tasks


# --- Organisations -----------------------------------------------------------------------------

ORG_COLUMNS: dict[str, list[str]] = {
    "name": ["名称", "党组织名称"],
    "kind": ["类型", "组织类型"],
    "region": ["区划代码", "区划", "所在区划"],
    "parent": ["上级党组织", "上级"],
    "purpose": ["用途"],
    "start_date": ["成立日期", "组建日期"],
    "end_date": ["撤销日期"],
    "leader_name": ["负责人", "书记"],
    "member_count": ["党员人数", "人数"],
    "note": ["备注"],
    "members": ["成员", "队员"],
    # informational columns of the export, ignored on import
    "id": ["编号"],
    "region_name": ["区划名称"],
}
ORG_REQUIRED = ("name", "kind", "region")
ORG_LABELS = {key: names[0] for key, names in ORG_COLUMNS.items()}
KIND_NAMES = {**{k: k for k in services.KIND_LABELS}, **{v: k for k, v in services.KIND_LABELS.items()}, "突击队": "commando_team"}
PURPOSE_NAMES = {**{k: k for k in services.PURPOSE_LABELS if k}, **{v: k for k, v in services.PURPOSE_LABELS.items() if k}}


def _org_column(key: str) -> str:
    return f"{ORG_LABELS[key]}（{key}）" if key in ORG_LABELS else key


def parse_orgs(user, data: bytes, filename: str) -> list[dict]:
    """Read and check a register of organisations (one per row; a parent named in the file must
    come above its children). Returns the rows to create, or raises `Invalid` listing every
    problem by row and column."""
    name = Path(filename).name
    keys, rows = read_rows(data, name, ORG_COLUMNS)
    missing = [k for k in ORG_REQUIRED if k not in keys]
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{ORG_LABELS[k]}（{k}）」", row=1, field=_org_column(k), file=name) for k in missing])
    visible = Region.objects.visible_to(user) if user is not None else Region.objects.all()
    orgs_seen = permissions.visible(PartyOrg, user)
    problems: list[Problem] = []
    out: list[dict] = []
    in_file: dict[str, tuple[int, str]] = {}  # name -> (line, region code) of organisations above
    for line, row in rows:
        bad: list[Problem] = []

        def p(msg, key):
            bad.append(Problem(msg, row=line, field=_org_column(key), file=name))

        org_name = row.get("name", "")
        kind = KIND_NAMES.get(row.get("kind", ""))
        if kind is None:
            p(f"类型「{row.get('kind', '')}」无效（{'、'.join(services.KIND_LABELS.values())}）", "kind")
        text = row.get("region", "")
        region_code = None
        if text.isdigit():
            region_code = text if visible.filter(code=text).exists() else None
        elif text:
            found = list(visible.filter(name=text).values_list("code", flat=True)[:2])
            region_code = found[0] if len(found) == 1 else None
        if region_code is None:
            p(f"区划「{text}」不存在、不唯一或不在您的管辖范围内", "region")
        elif kind is not None and not services.may_write_org(user, region_code, kind):
            p(f"无权在「{text}」设立{services.KIND_LABELS[kind]}", "region")
        purpose = ""
        if row.get("purpose"):
            purpose = PURPOSE_NAMES.get(row["purpose"])
            if purpose is None:
                p(f"用途「{row['purpose']}」无效", "purpose")
                purpose = ""
        dates = {}
        for key in ("start_date", "end_date"):
            dates[key] = parse_date(row[key]) if row.get(key) else None
            if row.get(key) and dates[key] is None:
                p(f"「{row[key]}」不是有效日期", key)
        count = 0
        if row.get("member_count"):
            if row["member_count"].isdigit():
                count = int(row["member_count"])
            else:
                p(f"党员人数「{row['member_count']}」应为整数", "member_count")
        members = [m.strip() for m in _SPLIT_NAMES.split(row.get("members", "")) if m.strip()]
        for m in members:
            if len(m) > 50:
                p(f"成员姓名「{m[:10]}…」超过50个字", "members")
        parent_name = row.get("parent", "")
        parent_id = None
        parent_ref = None
        if parent_name:
            if parent_name in in_file:
                parent_ref = parent_name
                parent_region = in_file[parent_name][1]
                if region_code and not region_code.startswith(region_prefix(parent_region)):
                    p(f"上级党组织「{parent_name}」不管辖该区划", "parent")
            else:
                found = list(orgs_seen.filter(name=parent_name).values_list("pk", flat=True)[:2])
                if len(found) == 1:
                    parent_id = found[0]
                else:
                    p(f"上级党组织「{parent_name}」{'不唯一' if found else '不存在（也不在本文件的上方）'}", "parent")
        if kind is not None and region_code is not None:
            for prob in services.org_errors(
                name=org_name, kind=kind, region_code=region_code, parent_id=parent_id, purpose=purpose, start_date=dates["start_date"],
                end_date=dates["end_date"], leader_name=row.get("leader_name", ""), member_count=count, note=row.get("note", ""),
            ):
                p(prob.message, prob.field if prob.field in ORG_LABELS else "name")
        elif not org_name:
            p("名称不能为空", "name")
        if org_name in in_file:
            p(f"名称「{org_name}」与第{in_file[org_name][0]}行重复", "name")
        elif org_name and region_code:
            in_file[org_name] = (line, region_code)
        problems.extend(bad)
        if not bad:
            out.append({
                "fields": {"name": org_name, "kind": kind, "region_code": region_code, "parent_id": parent_id, "purpose": purpose,
                           "start_date": dates["start_date"], "end_date": dates["end_date"], "leader_name": row.get("leader_name", ""),
                           "member_count": count, "note": row.get("note", "")},
                "parent_ref": parent_ref, "members": members,
            })
    if problems:
        raise Invalid(problems)
    if not out:
        raise Invalid(Problem("文件中没有数据行", file=name))
    return out


def import_orgs(user, data: bytes, filename: str) -> list[PartyOrg]:
    """Create every organisation of the file (and the members listed) in one transaction, or none."""
    rows = parse_orgs(user, data, filename)
    made: dict[str, PartyOrg] = {}
    with transaction.atomic():
        for r in rows:
            fields = dict(r["fields"])
            if r["parent_ref"]:
                fields["parent_id"] = made[r["parent_ref"]].pk
            org = services.create_org(user, **fields)
            for m in r["members"]:
                services.add_member(user, org, name=m)
            made[org.name] = org
        audit.record("org.import", object_type="partywork.partyorg", actor=user, new={"file": Path(filename).name, "orgs": len(made)},
                     region_code=min((o.region_id for o in made.values()), key=len))
    return list(made.values())


# --- Talks -------------------------------------------------------------------------------------

TALK_COLUMNS: dict[str, list[str]] = {
    "date": ["谈话日期", "日期"],
    "kind": ["类型", "谈话类型"],
    "person_name": ["谈话对象", "对象姓名"],
    "person_position": ["职务", "对象职务"],
    "region": ["区划代码", "对象所在区划代码", "区划"],
    "region_name": ["所在区划", "对象所在区划", "区划名称"],
    "talker": ["谈话人"],
    "summary": ["谈话要点", "要点"],
    # informational column of the export, ignored on import
    "id": ["编号"],
}
TALK_REQUIRED = ("date", "kind", "person_name", "talker", "summary")
TALK_LABELS = {key: names[0] for key, names in TALK_COLUMNS.items()}
TALK_KIND_NAMES = {
    **{k: k for k in services.TALK_LABELS},
    **{v: k for k, v in services.TALK_LABELS.items()},
    **{f"{v}谈话": k for k, v in services.TALK_LABELS.items()},
}


def _talk_column(key: str) -> str:
    return f"{TALK_LABELS[key]}（{key}）" if key in TALK_LABELS else key


@dataclass
class TalkImport:
    talks: list  # the talks recorded
    skipped: int  # rows identical to a talk already recorded (an exported sheet imported again)


def parse_talks(user, data: bytes, filename: str) -> tuple[list[dict], int]:
    """Read and check a file of talks (one per row). Returns (the talks to record as keyword
    arguments of `services.record_talk`, how many rows repeat a talk already recorded), or raises
    `Invalid` listing every problem by row and column. Only the organisation department may."""
    name = Path(filename).name
    if user is not None and not services.may_see_talks(user):
        permissions.refuse(user, "partywork.talk.import")
        raise Refused("只有组织部门可以导入谈话记录")
    keys, rows = read_rows(data, name, TALK_COLUMNS)
    missing = [k for k in TALK_REQUIRED if k not in keys]
    if "region" not in keys and "region_name" not in keys:
        missing.append("region")
    if missing:
        raise Invalid([Problem(f"缺少必需的列「{TALK_LABELS[k]}（{k}）」", row=1, field=_talk_column(k), file=name) for k in missing])
    visible = Region.objects.visible_to(user) if user is not None else Region.objects.all()
    by_name: dict[str, list[str]] = {}
    problems: list[Problem] = []
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    skipped = 0
    for line, row in rows:
        bad: list[Problem] = []

        def p(msg, key):
            bad.append(Problem(msg, row=line, field=_talk_column(key), file=name))

        kind = TALK_KIND_NAMES.get(row.get("kind", ""))
        if kind is None:
            p(f"谈话类型「{row.get('kind', '')}」无效（{'、'.join(services.TALK_LABELS.values())}）", "kind")
        date = parse_date(row.get("date", ""))
        if date is None:
            p(f"谈话日期「{row.get('date', '')}」不是有效日期（如 2025-06-30）", "date")
        key = "region" if row.get("region") else "region_name"
        region_code, trouble = find_region(row.get(key, ""), visible, by_name)
        if trouble:
            p(trouble, key)
        elif key == "region" and row.get("region_name"):
            actual = Region.objects.filter(code=region_code).values_list("name", flat=True).first()
            if row["region_name"] != actual:
                p(f"所在区划「{row['region_name']}」与区划代码「{region_code}」对应的「{actual}」不一致", "region_name")
        if region_code is not None and user is not None and not permissions.may(user, ORG_DEPT_ROLES, region_code):
            p(f"只有组织部门可以记录「{row.get(key)}」的谈话", key)
        fields = {
            "kind": kind, "date": date, "person_name": row.get("person_name", ""), "person_position": row.get("person_position", ""),
            "talker": row.get("talker", ""), "region_code": region_code, "summary": row.get("summary", ""),
        }
        if kind is not None and date is not None and region_code is not None:
            for prob in services.talk_errors(**fields):
                p(prob.message, prob.field if prob.field in TALK_LABELS else "summary")
        if not bad:
            ident = (kind, date, fields["person_name"].strip(), region_code, fields["talker"].strip(), fields["summary"].strip())
            if ident in seen:
                p(f"与第{seen[ident]}行重复", "person_name")
            else:
                seen[ident] = line
        problems.extend(bad)
        if bad:
            continue
        if Talk.objects.filter(kind=kind, date=date, person_name=ident[2], region_id=region_code, talker=ident[4], summary=ident[5]).exists():
            skipped += 1
            continue
        out.append({**fields, "origin": f"import:{name}"[:100]})
    if problems:
        raise Invalid(problems)
    if not out and not skipped:
        raise Invalid(Problem("文件中没有数据行", file=name))
    return out, skipped


def import_talks(user, data: bytes, filename: str) -> TalkImport:
    """Record every talk of the file in one transaction, or none. Rows identical to a talk already
    recorded are skipped, so an exported sheet imported again adds only its new rows."""
    drafts, skipped = parse_talks(user, data, filename)
    with transaction.atomic():
        talks = [services.record_talk(user, **d) for d in drafts]
        if talks:
            audit.record("talk.import", object_type="partywork.talk", actor=user, new={"file": Path(filename).name, "talks": len(talks), "skipped": skipped},
                         region_code=min((t.region_id for t in talks), key=len))
    return TalkImport(talks, skipped)
