"""Party organisations: the tree linked to regions, temporary branches and commando teams with
members, who may keep the register, masked names outside the organisation department, and the
counts by kind and period that feed the brief."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork import imports, services
from sanwu.partywork.models import PartyOrg, TeamMember
from tests.conftest import response_bytes

from .conftest import TOWN_1, TOWN_2, VILLAGE_1, api_for

D = dt.date


def test_the_tree_follows_the_regions(demo, orgs):
    with pytest.raises(Invalid, match="不管辖"):
        services.create_org(None, name="错挂的支部", kind="branch", region_code=VILLAGE_1, parent_id=orgs.town_2.pk)
    with pytest.raises(Invalid, match="不能作为上级党组织"):
        team = services.create_org(None, name="突击队", kind="commando_team", region_code=TOWN_1, start_date=D(2020, 7, 1))
        services.create_org(None, name="队下支部", kind="branch", region_code=TOWN_1, parent_id=team.pk)
    with pytest.raises(Invalid) as exc:
        services.create_org(None, name="", kind="temporary_branch", region_code=TOWN_1, start_date=None, end_date=D(2020, 1, 1))
    assert {p.field for p in exc.value.problems} == {"name", "start_date"}
    with pytest.raises(Invalid, match="早于成立日期"):
        services.create_org(None, name="临时", kind="temporary_branch", region_code=TOWN_1, start_date=D(2020, 7, 1), end_date=D(2020, 6, 1))
    assert list(orgs.county.children.order_by("id")) == [orgs.town_1, orgs.town_2, orgs.department]


def test_who_keeps_the_register(demo, orgs):
    # The township sets up temporary branches, grid branches and commando teams in its township …
    tb = services.create_org(demo.township, name="主簿镇防汛救灾临时党支部", kind="temporary_branch", region_code=TOWN_1,
                             parent_id=orgs.town_1.pk, purpose="flood", start_date=D(2020, 7, 1))
    assert tb.created_by == demo.township
    # … but not a committee, and nothing in another township; the secretary and auditor keep nothing.
    with pytest.raises(Refused):
        services.create_org(demo.township, name="党委", kind="committee", region_code=TOWN_1)
    with pytest.raises(Refused):
        services.create_org(demo.township, name="别镇临时党支部", kind="temporary_branch", region_code=TOWN_2, start_date=D(2020, 7, 1))
    for user in (demo.secretary, demo.auditor):
        with pytest.raises(Refused):
            services.create_org(user, name="临时", kind="temporary_branch", region_code=VILLAGE_1, start_date=D(2020, 7, 1))
    # Ending the branch when the flood work is over.
    tb = services.update_org(demo.township, tb, end_date=D(2020, 10, 31))
    assert tb.end_date == D(2020, 10, 31) and not tb.active_on(D(2020, 11, 1)) and tb.active_on(D(2020, 8, 1))
    with pytest.raises(Refused):
        services.update_org(demo.other_township, tb, end_date=D(2020, 9, 1))


def test_counts_by_kind_and_period_feed_the_brief(demo, orgs):
    y = services.today().year - 1
    for i, (start, end) in enumerate([(D(y, 2, 1), D(y, 4, 30)), (D(y, 7, 1), D(y, 10, 31)), (D(y, 7, 15), None)]):
        services.create_org(None, name=f"临时党支部{i}", kind="temporary_branch", region_code=TOWN_1 if i < 2 else TOWN_2,
                            start_date=start, end_date=end, purpose="flood")
    team = services.create_org(None, name="突击队", kind="commando_team", region_code=TOWN_1, start_date=D(y, 7, 2), purpose="flood")
    for n in ("甲", "乙", "丙"):
        services.add_member(None, team, name=f"张{n}")
    services.create_org(None, name="老突击队", kind="commando_team", region_code=TOWN_2, start_date=D(y - 2, 7, 2), member_count=5)
    services.create_org(None, name="第一网格党支部", kind="grid_branch", region_code=VILLAGE_1, start_date=D(2019, 5, 1), member_count=8)

    rows = {r.kind: r for r in services.org_counts(demo.county, on=D(y, 8, 1), date_from=D(y, 1, 1), date_to=D(y, 12, 31))}
    assert (rows["temporary_branch"].created, rows["temporary_branch"].active) == (3, 2)
    assert (rows["commando_team"].created, rows["commando_team"].people_created) == (1, 3)
    assert (rows["commando_team"].active, rows["commando_team"].people_active) == (2, 8)  # listed members, else the count
    assert (rows["grid_branch"].active, rows["grid_branch"].created) == (1, 0)
    assert rows["committee"].active == 3 and rows["branch"].active == 2
    # A township counts only its own.
    town = {r.kind: r for r in services.org_counts(demo.township, on=D(y, 8, 1), date_from=D(y, 1, 1), date_to=D(y, 12, 31))}
    assert (town["temporary_branch"].created, town["commando_team"].created, town["committee"].active) == (2, 1, 1)
    # Within a region.
    within = {r.kind: r for r in services.org_counts(demo.county, on=D(y, 8, 1), date_from=D(y, 1, 1), date_to=D(y, 12, 31), region_code=TOWN_2)}
    assert within["temporary_branch"].created == 1


def test_member_names_are_masked_outside_the_organisation_department(demo, orgs, as_user):
    team = services.create_org(demo.township, name="主簿镇党员突击队", kind="commando_team", region_code=TOWN_1, start_date=D(2020, 7, 1),
                               leader_name="储明华")
    services.add_member(demo.township, team, name="汪国强", position="村党员")
    town_page = as_user(demo.township).get(f"/party/orgs/{team.pk}/").content.decode()
    assert "汪*强" in town_page and "汪国强" not in town_page and "储*华" in town_page and "储明华" not in town_page
    auditor_page = as_user(demo.auditor).get(f"/party/orgs/{team.pk}/").content.decode()
    assert "汪*强" in auditor_page and "汪国强" not in auditor_page
    assert as_user(demo.secretary).get(f"/party/orgs/{team.pk}/").status_code == 404  # a township team, not the village's
    county_page = as_user(demo.county).get(f"/party/orgs/{team.pk}/").content.decode()
    assert "汪国强" in county_page and "储明华" in county_page
    town_xlsx = as_user(demo.township).get("/party/orgs/?format=xlsx").content
    rows = list(load_workbook(io.BytesIO(town_xlsx)).active.iter_rows(values_only=True))
    assert ("储*华" in [r[8] for r in rows]) and "储明华" not in str(rows)
    assert "储明华" in str(list(load_workbook(io.BytesIO(as_user(demo.county).get("/party/orgs/?format=xlsx").content)).active.iter_rows(values_only=True)))
    # The audit trail keeps masked names only.
    from sanwu.core.models import AuditEvent

    assert "汪国强" not in str(list(AuditEvent.objects.values_list("new", flat=True)))


def test_organisation_pages(demo, orgs, as_user):
    c = as_user(demo.township)
    listing = c.get("/party/orgs/").content.decode()
    assert "中共主簿镇委员会" in listing and "中共五河镇委员会" not in listing
    assert c.get(f"/party/orgs/{orgs.town_2.pk}/").status_code == 404
    resp = c.post("/party/orgs/new/", {"name": "大歇村防汛救灾临时党支部", "kind": "temporary_branch", "region": VILLAGE_1,
                                       "parent": str(orgs.village_1.pk), "purpose": "flood", "start_date": "2020-07-05", "member_count": "6"})
    org = PartyOrg.objects.get(name="大歇村防汛救灾临时党支部")
    assert resp.status_code == 302 and org.parent == orgs.village_1
    bad = c.post("/party/orgs/new/", {"name": "党委", "kind": "committee", "region": VILLAGE_1, "member_count": "0"})
    # A refusal is the 403 page now (Refused is a PermissionDenied), audited, nothing written.
    assert bad.status_code == 403 and not PartyOrg.objects.filter(name="党委", region_id=VILLAGE_1).exists()
    assert AuditEvent.objects.filter(action="permission_denied", object_type="partywork.org.create", actor=demo.township).exists()
    missing = c.post("/party/orgs/new/", {"name": "", "kind": "temporary_branch", "region": VILLAGE_1, "member_count": "0"})
    assert missing.status_code == 422 and "名称" in missing.content.decode()  # shows_problems: the form with its problems
    assert c.post(f"/party/orgs/{org.pk}/members/", {"name": "李华", "position": "党员", "is_party_member": "on"}).status_code == 302
    member = TeamMember.objects.get(org=org)
    assert as_user(demo.other_township).post(f"/party/orgs/{org.pk}/members/{member.pk}/remove/").status_code == 404
    assert as_user(demo.secretary).post(f"/party/orgs/{org.pk}/members/{member.pk}/remove/").status_code == 403
    assert c.post(f"/party/orgs/{org.pk}/members/{member.pk}/remove/").status_code == 302
    assert not TeamMember.objects.exists()
    edit = c.post(f"/party/orgs/{org.pk}/edit/", {"name": org.name, "kind": "temporary_branch", "region": VILLAGE_1, "parent": str(orgs.village_1.pk),
                                                   "purpose": "flood", "start_date": "2020-07-05", "end_date": "2020-10-01", "member_count": "6"})
    assert edit.status_code == 302 and PartyOrg.objects.get(pk=org.pk).end_date == D(2020, 10, 1)
    assert as_user(demo.accountant).get("/party/orgs/").status_code == 403
    stats = as_user(demo.county).get("/party/stats/?from=2020-01-01&to=2020-12-31&on=2020-08-01").content.decode()
    assert "成立临时党支部 1 个" in stats
    rows = list(load_workbook(io.BytesIO(as_user(demo.county).get("/party/stats/?from=2020-01-01&to=2020-12-31&format=xlsx").content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("类型代码", "类型") and ("temporary_branch", "临时党支部", 0, 0, 1, 6) in rows
    assert api_for(demo.township).get("/api/v1/party-orgs?kind=temporary_branch").json()[0]["name"] == "大歇村防汛救灾临时党支部"


def test_a_register_imports_whole_or_not_at_all(demo, orgs, as_user):
    csv = (
        "名称,类型,区划代码,上级党组织,用途,成立日期,撤销日期,成员\n"
        "主簿镇防汛救灾临时党支部,临时党支部,340828100000,中共主簿镇委员会,防汛救灾,2020-07-01,2020-10-31,\n"
        "主簿镇防汛党员突击队,党员突击队,主簿镇,主簿镇防汛救灾临时党支部,防汛救灾,2020-07-02,,张三、李四、王五\n"
    )
    with pytest.raises(Invalid, match="不能作为上级党组织"):
        imports.import_orgs(demo.township, csv.encode(), "名册.csv")
    csv = csv.replace("主簿镇,主簿镇防汛救灾临时党支部", "主簿镇,中共主簿镇委员会")
    made = imports.import_orgs(demo.township, csv.encode(), "名册.csv")
    assert [(o.name, o.kind, o.purpose, o.parent) for o in made] == [
        ("主簿镇防汛救灾临时党支部", "temporary_branch", "flood", orgs.town_1),
        ("主簿镇防汛党员突击队", "commando_team", "flood", orgs.town_1),
    ]
    assert sorted(TeamMember.objects.filter(org=made[1]).values_list("name", flat=True)) == ["张三", "李四", "王五"]
    bad = (
        "名称,类型,区划代码,上级党组织,成立日期\n"
        "好的,网格党支部,340828100200,大歇村党支部,2019-05-01\n"
        "坏类型,小组,340828100200,,\n"
        "别镇的,临时党支部,340828101000,,2020-07-01\n"
        "党委,党委,340828100000,,\n"
        "无日期,党员突击队,340828100000,,\n"
        "坏上级,网格党支部,340828100200,关河村党支部,2019-05-01\n"
    )
    with pytest.raises(Invalid) as exc:
        imports.import_orgs(demo.township, bad.encode(), "b.csv")
    assert [(p.row, p.field) for p in exc.value.problems] == [
        (3, "类型（kind）"), (4, "区划代码（region）"), (5, "区划代码（region）"), (6, "成立日期（start_date）"), (7, "上级党组织（parent）"),
    ]
    assert not PartyOrg.objects.filter(name="好的").exists()
    # The page; and the export imports again (for another township's officer, nothing of ours is in it).
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = as_user(demo.township).post("/party/orgs/import/", {"file": SimpleUploadedFile("b.csv", bad.encode())}).content.decode()
    assert "第3行「类型（kind）」列" in body
    other = response_bytes(as_user(demo.other_township).get("/party/orgs/?format=csv")).decode()
    assert "主簿镇" not in other and "五河镇" in other


@pytest.mark.parametrize("path", ["/party/orgs/", "/party/orgs/new/", "/party/orgs/import/", "/party/stats/"])
def test_organisation_pages_have_no_inline_script(demo, orgs, as_user, path):
    import re

    for user in (demo.county, demo.township):
        body = as_user(user).get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag, tag
        assert not re.search(r"<[^>]+\s(on[a-z]+|style)=", body)
    assert as_user(demo.secretary).get("/party/orgs/new/").status_code == 403
