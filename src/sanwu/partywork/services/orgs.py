"""The register of Party organisations (the tree, temporary branches, grid branches, commando teams)
and the members of the teams."""

import datetime as dt

from django.db import transaction

from sanwu.core import audit, permissions
from sanwu.core.codes import region_prefix
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.regions.models import Region

from ..models import PartyOrg, TeamMember
from .access import may_write_org
from .common import KIND_LABELS, PURPOSE_LABELS, REGULAR_ORG_KINDS, today


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
        permissions.refuse(user, "partywork.org.create", region_code=region_code)
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
        permissions.refuse(user, "partywork.org.update", org.pk, org.region_id)
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
        permissions.refuse(user, "partywork.org.member.add", org.pk, org.region_id)
        raise Refused(f"无权为「{org.name}」登记成员")
    with transaction.atomic():
        m = TeamMember.objects.create(org=org, name=name, position=(position or "").strip(), is_party_member=is_party_member, joined_on=joined_on)
        audit.record("org.member.add", m, actor=user, region_code=org.region_id, new={"org": org.pk, "name": m.masked_name})
    return m


def remove_member(user, member: TeamMember) -> None:
    org = member.org
    if not may_write_org(user, org.region_id, org.kind):
        permissions.refuse(user, "partywork.org.member.remove", member.pk, org.region_id)
        raise Refused(f"无权移除「{org.name}」的成员")
    with transaction.atomic():
        audit.record("org.member.remove", member, actor=user, region_code=org.region_id, old={"org": org.pk, "name": member.masked_name})
        member.delete()
