"""Members after the opening roster (Arts. 12, 17–18) and the roster confirmed by the members'
meeting (Arts. 27–28), filed with the township and acknowledged — with the outsider refused."""

import datetime as dt

import pytest
from django.urls import reverse

from sanwu.coop.imports import import_members
from sanwu.coop.models import Member, MemberEvent, Roster, RosterEvent
from sanwu.coop.services import members as service
from sanwu.core.audit import AuditEvent
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Refused
from sanwu.decisions import services as decisions

from ..conftest import client_for
from ..decisions.conftest import good, village  # noqa: F401  (the fixture)
from .conftest import make_id, sheet
from .test_import import book_of, no_cap, rows  # noqa: F401  (the fixture)


@pytest.fixture
def imported(demo, coop, no_cap):
    import_members(demo.accountant, book_of(coop), sheet(rows()), "名册.csv", dt.date(2025, 1, 1))
    return coop


def test_a_birth_joins_a_household_and_a_new_household_needs_its_head(demo, imported):
    m = service.add_member(demo.accountant, imported, "002", "张小雨", make_id(20, "20250301"), "child", join_reason="birth", joined_on=dt.date(2025, 3, 1))
    assert m.active and m.household.number == "002" and not m.is_head
    assert MemberEvent.objects.filter(member=m, action="join").exists()
    with pytest.raises(Invalid, match="新户的第一人应为户主"):
        service.add_member(demo.accountant, imported, "009", "钱一", make_id(21), "child")
    with pytest.raises(Invalid, match="已有户主"):
        service.add_member(demo.accountant, imported, "002", "钱二", make_id(22), "head")
    with pytest.raises(Invalid, match="不能同时是两个集体经济组织的成员"):
        service.add_member(demo.accountant, imported, "003", "王大山", make_id(1), "head")
    with pytest.raises(Refused):
        service.add_member(demo.other_accountant, imported, "003", "钱三", make_id(23), "head")


def test_membership_ends_only_for_the_laws_reasons(demo, imported):
    m = Member.objects.get(collective=imported, person__name="李桂英")
    for reason in ("study", "military", "work_away", "divorce", "prison"):
        with pytest.raises(Invalid, match="不丧失集体经济组织成员身份"):
            service.end_membership(demo.accountant, m, reason, dt.date(2025, 6, 1))
    service.end_membership(demo.accountant, m, "civil_servant", dt.date(2025, 6, 1))
    m.refresh_from_db()
    assert not m.active and m.leave_reason == "civil_servant"
    assert AuditEvent.objects.filter(action="coop.member.leave").count() == 1
    with pytest.raises(Invalid, match="已不是"):
        service.end_membership(demo.accountant, m, "death", dt.date(2025, 7, 1))


def membership_matter(demo, village, meeting_type="coop_members"):
    """A 确认成员 matter whose decision stage is a members' meeting held today, noticed 12 days before."""
    m = decisions.create_matter(demo.secretary, village, "确认集体经济组织成员名册", "other", purpose="membership", year=today().year)
    day = today()
    for stage in ("proposal", "committees", "members_meeting"):
        decisions.record_stage(demo.secretary, m, stage, good(stage, day))
    kw = dict(meeting_type=meeting_type, entitled=3, present=3, votes_for=3, votes_against=0, votes_abstain=0)
    if meeting_type == "coop_members":
        kw["notice_date"] = day - dt.timedelta(days=12)
    decisions.record_stage(demo.secretary, m, "villagers_meeting", good("villagers_meeting", day, **kw))
    return m


def test_the_roster_is_frozen_confirmed_filed_and_acknowledged(demo, imported, village):
    r = service.draft_roster(demo.accountant, imported)
    assert (r.version, r.members_count, r.households_count) == (1, 3, 2) and service.is_intact(r)
    assert all("王大山" != ln["name"] for ln in r.lines) and all(make_id(1) not in str(ln) for ln in r.lines)
    with pytest.raises(Invalid, match="尚待成员大会确认"):
        service.draft_roster(demo.accountant, imported)
    m = membership_matter(demo, village)
    with pytest.raises(Refused):
        service.confirm_roster(demo.accountant, r, m)  # the secretary records the meeting
    service.confirm_roster(demo.secretary, r, m)
    assert (r.status, r.held_on, r.votes_for) == ("confirmed", today(), 3)
    with pytest.raises(Refused):
        service.acknowledge_roster(demo.township, r) if r.status == "filed" else service.acknowledge_roster(demo.other_township, r)
    service.file_roster(demo.accountant, r)
    with pytest.raises(Refused):
        service.acknowledge_roster(demo.other_township, r)
    service.acknowledge_roster(demo.township, r)
    assert r.status == "acknowledged" and r.acknowledged_by == demo.township
    assert [e.action for e in RosterEvent.objects.filter(roster=r)] == ["draft", "confirm", "file", "acknowledge"]
    # a tampered roster is caught
    Roster.objects.filter(pk=r.pk).update(lines=r.lines[:-1])
    r.refresh_from_db()
    assert not service.is_intact(r)


def test_a_representatives_meeting_cannot_confirm_the_roster(demo, imported, village):
    r = service.draft_roster(demo.accountant, imported)
    m = decisions.create_matter(demo.secretary, village, "确认成员（代表大会）", "other", purpose="membership", year=today().year)
    with pytest.raises(Invalid, match="还没有记录成员大会决议"):
        service.confirm_roster(demo.secretary, r, m)
    other = decisions.create_matter(demo.secretary, village, "其他事项", "other", purpose="expenditure", year=today().year)
    with pytest.raises(Invalid, match="用途应为"):
        service.confirm_roster(demo.secretary, r, other)


def test_the_roster_pages_walk_the_same_path(demo, imported, village):
    acc, sec, town = client_for(demo.accountant), client_for(demo.secretary), client_for(demo.township)
    assert acc.post(reverse("coop:roster_draft", args=[imported.pk])).status_code == 302
    page = sec.get(reverse("coop:roster", args=[imported.pk, 1]))
    assert page.status_code == 200 and "王*山" in page.content.decode() and ">记录成员大会确认</button>" not in page.content.decode()
    m = membership_matter(demo, village)
    page = sec.get(reverse("coop:roster", args=[imported.pk, 1])).content.decode()
    assert ">记录成员大会确认</button>" in page
    assert sec.post(reverse("coop:roster_confirm", args=[imported.pk, 1]), {"matter": m.pk}).status_code == 302
    assert acc.post(reverse("coop:roster_file", args=[imported.pk, 1])).status_code == 302
    assert town.post(reverse("coop:roster_acknowledge", args=[imported.pk, 1])).status_code == 302
    assert Roster.objects.get(collective=imported).status == "acknowledged"
    for user in (demo.other_accountant, demo.other_township):
        assert client_for(user).get(reverse("coop:roster", args=[imported.pk, 1])).status_code == 404
    # members added and ended from the pages
    r = acc.post(reverse("coop:member_new", args=[imported.pk]), {"household": "003", "name": "赵新", "id_number": make_id(30), "relation": "head", "is_member": "on", "join_reason": "marriage", "joined_on": "2025-05-01"})
    assert r.status_code == 302 and Member.objects.filter(household__number="003").exists()
    target = Member.objects.get(person__name="赵新")
    r = acc.post(reverse("coop:member_leave", args=[imported.pk, target.pk]), {"reason": "work_away", "on": "2025-06-01"})
    assert r.status_code == 422 and "不丧失" in r.content.decode()
