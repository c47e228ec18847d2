"""Members after the opening roster, and the confirmed roster (成员名册).

- `add_member`: a person joins a household (birth, marriage in, adoption, return, by vote:
  Art. 12), checked against the person register; a person is in one cooperative at a time.
- `end_membership`: membership ends only for the law's reasons (Art. 17); study, military
  service, work away, divorce, widowhood or prison never end it (Art. 18).
- The roster: `draft_roster` freezes the active members as lines with a digest (a new version
  each time); `confirm_roster` takes the members' meeting of a 四议两公开 matter (a 成员大会 —
  a representatives' meeting may not confirm members, Art. 28 — whose Art. 27 checks passed when
  it was recorded); `file_roster` sends it to the township, which `acknowledge_roster`s it.
Every change writes its event row and its audit row in the same transaction.
"""

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from sanwu.core import audit, dates, permissions
from sanwu.core.codes import id_gender, id_number_errors, normalize_id_number
from sanwu.core.errors import Invalid, Problem
from sanwu.decisions.models import Matter
from sanwu.decisions.services import current_records
from sanwu.regions.models import Person

from .. import rules
from ..models import Household, Member, MemberEvent, Roster, RosterEvent
from .permissions import BOARD_ROLES, KEEP_ROLES, TOWNSHIP_ROLES


def add_member(
    user, collective, household_number: str, name: str, id_number: str, relation: str, *, join_reason: str = "birth",
    joined_on: dt.date | None = None, is_member: bool = True,
) -> Member:
    """A person added to a household of the cooperative (a new household when the number is new:
    the person is then its head)."""
    permissions.require(user, KEEP_ROLES, collective.region_id, "登记集体经济组织成员", object_type="coop.member.add")
    problems = [Problem(e, field="身份证号") for e in id_number_errors(id_number)]
    name = (name or "").strip()
    if not name:
        problems.append(Problem("姓名不能为空", field="姓名"))
    if relation not in rules.RELATIONS:
        problems.append(Problem("请选择与户主关系", field="与户主关系"))
    if is_member and join_reason not in rules.JOIN_REASONS:
        problems.append(Problem(f"取得方式应为：{'、'.join(rules.JOIN_REASONS.values())}", field="取得方式"))
    joined_on = joined_on or dates.today()
    if joined_on > dates.today():
        problems.append(Problem(f"取得日期 {joined_on} 晚于今天", field="取得日期"))
    number = (household_number or "").strip()
    if not number or len(number) > 20 or number == rules.COLLECTIVE_HOLDER_LABEL:
        problems.append(Problem("户号应为不超过20个字的编号", field="户号"))
    if problems:
        raise Invalid(problems)
    key = normalize_id_number(id_number)
    with transaction.atomic():
        person = Person.objects.with_id_number(key).first()
        if person is not None:
            if person.name != name:
                raise Invalid([Problem(f"人员登记中该身份证号的姓名为「{person.masked_name}」", field="姓名")])
            taken = Member.objects.filter(person=person, left_on__isnull=True).select_related("collective").first()
            if taken is not None:
                raise Invalid([Problem(f"{person.masked_name}已是{taken.collective.name}的成员：一人不能同时是两个集体经济组织的成员", field="身份证号")])
        household, new = Household.objects.get_or_create(collective=collective, number=number)
        if new and relation != "head":
            raise Invalid([Problem(f"{number}户尚未登记：新户的第一人应为户主", field="与户主关系")])
        if not new and relation == "head":
            raise Invalid([Problem(f"{number}户已有户主；变更户主另行登记", field="与户主关系")])
        if person is None:
            person = Person.objects.create(region_id=collective.region_id, name=name, id_number=key, gender=id_gender(key))
        m = Member.objects.create(
            collective=collective, household=household, person=person, relation=relation, is_head=relation == "head",
            is_member=is_member, joined_on=joined_on if is_member else None, join_reason=join_reason if is_member else "",
        )
        MemberEvent.record(user, "join" if is_member else "add", member=m, note=rules.JOIN_REASONS.get(join_reason, "") if is_member else "")
        audit.record(
            "coop.member.add", m, actor=user, region_code=collective.region_id,
            new={"household": number, "name": person.masked_name, "member": is_member, "reason": join_reason},
        )
    return m


def end_membership(user, member: Member, reason: str, on: dt.date, note: str = "") -> Member:
    """Membership ended for one of the law's reasons (Art. 17), never for Art. 18's."""
    collective = member.collective
    permissions.require(user, KEEP_ROLES, collective.region_id, "登记成员身份丧失", object_type="coop.member.leave")
    problems = rules.leave_problems(reason)
    if not member.active:
        problems.append(Problem(f"{member.person.masked_name}已不是集体经济组织成员", field="丧失原因"))
    if on > dates.today() or (member.joined_on and on < member.joined_on):
        problems.append(Problem(f"丧失日期 {on} 应在取得日期之后、不晚于今天", field="丧失日期"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        member.left_on, member.leave_reason = on, reason
        member.save(update_fields=["left_on", "leave_reason"])
        MemberEvent.record(user, "leave", member=member, note=f"{rules.LEAVE_REASONS[reason]}{('：' + note) if note else ''}"[:500])
        audit.record("coop.member.leave", member, actor=user, region_code=collective.region_id, new={"reason": reason, "on": on})
    return member


# --- the roster ------------------------------------------------------------------------------


def roster_lines(collective) -> list[dict]:
    """The active members, by household number: what a roster freezes (names masked, the ID
    number's keyed hash: the roster proves who was on it without holding the numbers again)."""
    members = (
        Member.objects.filter(collective=collective, is_member=True, left_on__isnull=True)
        .select_related("household", "person").order_by("household__number", "-is_head", "id")
    )
    return [
        {
            "household": m.household.number, "head": m.is_head, "name": m.person.masked_name, "id_hash": m.person.id_number_hash,
            "id_masked": m.person.id_number_masked, "relation": m.relation, "joined_on": m.joined_on.isoformat() if m.joined_on else "",
            "join_reason": m.join_reason,
        }
        for m in members
    ]


def roster_digest(collective_id: int, version: int, lines: list[dict]) -> str:
    payload = json.dumps({"collective": collective_id, "version": version, "lines": lines}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def is_intact(roster: Roster) -> bool:
    return bool(roster.digest) and roster.digest == roster_digest(roster.collective_id, roster.version, roster.lines)


def draft_roster(user, collective) -> Roster:
    """Freeze today's active members as the next version of the roster, to be confirmed."""
    permissions.require(user, KEEP_ROLES, collective.region_id, "生成成员名册", object_type="coop.roster.draft")
    lines = roster_lines(collective)
    if not lines:
        raise Invalid([Problem("还没有集体经济组织成员：先导入或登记成员")])
    with transaction.atomic():
        last = Roster.objects.select_for_update().filter(collective=collective).order_by("-version").first()
        if last is not None and last.status == "draft":
            raise Invalid([Problem(f"第{last.version}版名册尚待成员大会确认")])
        version = (last.version if last else 0) + 1
        r = Roster.objects.create(
            collective=collective, version=version, lines=lines, members_count=len(lines),
            households_count=len({ln["household"] for ln in lines}), digest=roster_digest(collective.pk, version, lines),
        )
        RosterEvent.record(user, "draft", to_status="draft", roster=r)
        audit.record("coop.roster.draft", r, actor=user, region_code=collective.region_id, new={"version": version, "members": len(lines), "digest": r.digest})
    return r


def confirm_problems(roster: Roster, matter: Matter | None) -> list[Problem]:
    out = []
    if roster.status != "draft":
        out.append(Problem(f"名册状态为「{rules.ROSTER_STATUSES[roster.status]}」，不能再确认"))
    if matter is None:
        return out + [Problem("请选择确认成员名册的四议两公开事项（成员大会决议）", field="四议两公开事项")]
    if matter.village_id != roster.collective.region_id:
        return out + [Problem("四议两公开事项不属于本村", field="四议两公开事项")]
    meeting = current_records(matter).get("villagers_meeting")
    if meeting is None:
        out.append(Problem(f"事项「{matter.title}」还没有记录成员大会决议", field="四议两公开事项"))
    elif meeting.meeting_type != "coop_members":
        out.append(Problem("成员名册须由集体经济组织成员大会确认（成员代表大会不得确认成员，农村集体经济组织法第二十八条）", field="四议两公开事项"))
    elif meeting.date < timezone.localdate(roster.created_at):
        out.append(Problem(f"成员大会 {meeting.date} 早于名册生成的日期：确认的应是这一版名册", field="四议两公开事项"))
    if matter.purpose != "membership":
        out.append(Problem("四议两公开事项的用途应为「确认集体经济组织成员」", field="四议两公开事项"))
    return out


def confirm_roster(user, roster: Roster, matter: Matter | None) -> Roster:
    """The members' meeting confirmed the roster (the village secretary records it)."""
    collective = roster.collective
    permissions.require(user, BOARD_ROLES, collective.region_id, "记录成员大会确认成员名册", object_type="coop.roster.confirm", object_id=roster.pk)
    problems = confirm_problems(roster, matter)
    if not is_intact(roster):
        problems.append(Problem("名册内容与校验码不符"))
    if problems:
        raise Invalid(problems)
    meeting = current_records(matter)["villagers_meeting"]
    with transaction.atomic():
        roster.status, roster.matter = "confirmed", matter
        roster.meeting_type, roster.notice_on, roster.held_on = meeting.meeting_type, meeting.notice_date, meeting.date
        roster.entitled, roster.present = meeting.entitled, meeting.present
        roster.votes_for, roster.votes_against, roster.votes_abstain = meeting.votes_for, meeting.votes_against, meeting.votes_abstain
        roster.save()
        RosterEvent.record(user, "confirm", from_status="draft", to_status="confirmed", roster=roster, note=f"成员大会 {meeting.date}")
        audit.record("coop.roster.confirm", roster, actor=user, region_code=collective.region_id, new={"matter": matter.pk, "held_on": meeting.date})
    return roster


def file_roster(user, roster: Roster) -> Roster:
    """The confirmed roster sent to the township for its records (报乡镇备案)."""
    collective = roster.collective
    permissions.require(user, KEEP_ROLES | BOARD_ROLES, collective.region_id, "报送成员名册备案", object_type="coop.roster.file", object_id=roster.pk)
    if roster.status != "confirmed":
        raise Invalid([Problem("只有成员大会已确认的名册才能报乡镇备案")])
    with transaction.atomic():
        roster.status, roster.filed_at = "filed", timezone.now()
        roster.save(update_fields=["status", "filed_at"])
        RosterEvent.record(user, "file", from_status="confirmed", to_status="filed", roster=roster)
        audit.record("coop.roster.file", roster, actor=user, region_code=collective.region_id)
    return roster


def acknowledge_roster(user, roster: Roster) -> Roster:
    """The township acknowledges the filed roster."""
    collective = roster.collective
    permissions.require(user, TOWNSHIP_ROLES, collective.region_id, "确认成员名册备案", object_type="coop.roster.acknowledge", object_id=roster.pk)
    problems = [] if roster.status == "filed" else [Problem("名册尚未报乡镇备案")]
    if not is_intact(roster):
        problems.append(Problem("名册内容与校验码不符"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        roster.status, roster.acknowledged_at = "acknowledged", timezone.now()
        roster.acknowledged_by = user if getattr(user, "pk", None) else None
        roster.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        RosterEvent.record(user, "acknowledge", from_status="filed", to_status="acknowledged", roster=roster)
        audit.record("coop.roster.acknowledge", roster, actor=user, region_code=collective.region_id)
    return roster
