"""Talks (谈话): rows and summaries only for the organisation department (county supervisor, city
admin) — the township, the village secretary, the auditor and the accountant see none of them in
page, export or API; the counts by kind feed the brief and may be shown to every Party role."""

import datetime as dt

import pytest

from sanwu.core.errors import Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork import services
from sanwu.partywork.models import Talk
from tests.conftest import response_bytes

from .conftest import TOWN_1, TOWN_2, VILLAGE_1, api_for

SECRET = "该同志在防汛中擅离职守"


@pytest.fixture
def talks(demo):
    today = services.today()
    rows = [
        ("reminder", TOWN_1, "储明华", "主簿镇党委书记"),
        ("reminder", VILLAGE_1, "汪国强", "大歇村党支部书记"),
        ("encouragement", TOWN_1, "王平", "主簿镇组织委员"),
        ("caring", TOWN_2, "李兰", "五河镇党委副书记"),
        ("warning", TOWN_2, "刘勇", "关河村党支部书记"),
    ]
    made = [services.record_talk(demo.county, kind=k, date=today - dt.timedelta(days=10), person_name=n, person_position=p,
                                 talker="县委常委、组织部长", region_code=r, summary=SECRET) for k, r, n, p in rows]
    services.record_talk(demo.county, kind="warning", date=dt.date(today.year - 3, 6, 1), person_name="赵军", talker="部长",
                         region_code=TOWN_1, summary=SECRET)
    return made


OUTSIDERS = ("township", "other_township", "secretary", "auditor", "accountant")


def test_only_the_organisation_department_sees_talk_rows_anywhere(demo, talks, as_user):
    county = as_user(demo.county)
    page = county.get("/party/talks/").content.decode()
    assert SECRET in page and "储明华" in page
    assert response_bytes(county.get("/party/talks/?format=csv")).decode().count(SECRET) == 6
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(county.get("/party/talks/?format=xlsx").content)).active.iter_rows(values_only=True))
    assert len(rows) == 7 and rows[1][6] == SECRET
    assert response_bytes(as_user(demo.city).get("/party/talks/?format=csv")).decode().count(SECRET) == 6
    assert len(api_for(demo.county).get("/api/v1/talks").json()) == 6
    for who in OUTSIDERS:
        user = getattr(demo, who)
        c = as_user(user)
        assert c.get("/party/talks/").status_code == 403, who
        assert c.get("/party/talks/?format=csv").status_code == 403, who
        assert c.get("/party/talks/new/").status_code == 403, who
        resp = api_for(user).get("/api/v1/talks")
        assert resp.status_code == 403 and "谈话记录仅组织部门可见" in resp.json()["detail"], who
        assert not Talk.objects.visible_to(user).exists(), who
        for path in ("/party/stats/", "/party/orgs/", "/tasks/"):
            html = c.get(path).content.decode()
            assert SECRET not in html and "储明华" not in html, (who, path)
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.auditor).count() >= 4
    # The trail does not carry the summary or the full name either (auditors read it).
    trail = str(list(AuditEvent.objects.filter(action="talk.create").values_list("new", flat=True)))
    assert SECRET not in trail and "储明华" not in trail and "储*华" in trail


def test_only_the_organisation_department_records_talks(demo, as_user):
    for who in ("township", "secretary", "auditor"):
        with pytest.raises(Refused):
            services.record_talk(getattr(demo, who), kind="reminder", date=services.today(), person_name="甲", talker="乙",
                                 region_code=VILLAGE_1, summary="x")
    resp = as_user(demo.county).post("/party/talks/new/", {"kind": "caring", "date": services.today().isoformat(), "person_name": "程秀英",
                                                           "person_position": "大歇村妇联主任", "talker": "县委组织部副部长", "region": VILLAGE_1,
                                                           "summary": "了解家庭困难"})
    assert resp.status_code == 302 and Talk.objects.get().kind == "caring"
    future = as_user(demo.county).post("/party/talks/new/", {"kind": "caring", "date": "2999-01-01", "person_name": "甲", "talker": "乙",
                                                             "region": VILLAGE_1, "summary": "x"})
    assert "晚于今天" in future.content.decode() and Talk.objects.count() == 1


def test_counts_by_kind_and_period_are_shown_more_widely_within_scope(demo, talks, as_user):
    today = services.today()
    start = dt.date(today.year - 1, 1, 1)

    def counts(user, **kw):
        return {r.kind: r.count for r in services.talk_counts(user, date_from=kw.get("date_from", start), date_to=today, region_code=kw.get("region"))}

    assert counts(demo.county) == {"reminder": 2, "encouragement": 1, "caring": 1, "warning": 1}
    assert counts(demo.county, date_from=dt.date(today.year - 5, 1, 1))["warning"] == 2
    assert counts(demo.township) == {"reminder": 2, "encouragement": 1, "caring": 0, "warning": 0}
    assert counts(demo.secretary) == {"reminder": 1, "encouragement": 0, "caring": 0, "warning": 0}
    assert counts(demo.auditor) == counts(demo.county)
    assert counts(demo.accountant) == {"reminder": 0, "encouragement": 0, "caring": 0, "warning": 0}  # no Party role
    assert counts(demo.county, region=TOWN_2) == {"reminder": 0, "encouragement": 0, "caring": 1, "warning": 1}
    page = as_user(demo.township).get(f"/party/stats/?from={start.isoformat()}").content.decode()
    assert "谈话 3 人次" in page and "仅组织部门可见" in page
    assert [r["count"] for r in api_for(demo.township).get(f"/api/v1/talks/counts?date_from={start.isoformat()}").json()] == [2, 1, 0, 0]
    csv = response_bytes(as_user(demo.township).get(f"/party/stats/?from={start.isoformat()}&table=talks&format=csv")).decode()
    assert csv.splitlines()[1:] == ["reminder,提醒,2", "encouragement,激励,1", "caring,暖心,0", "warning,警诫,0", ",合计,3"]


def test_talks_are_recorded_over_the_api_by_the_department_only(demo):
    payload = {"kind": "reminder", "date": services.today().isoformat(), "person_name": "储明华", "talker": "县委常委、组织部长",
               "region": TOWN_1, "summary": SECRET, "origin": "assessment.consequence:7"}
    made = api_for(demo.county).post("/api/v1/talks", payload, content_type="application/json")
    assert made.status_code == 201 and made.json()["kind_label"] == "提醒"
    assert Talk.objects.get().origin == "assessment.consequence:7"
    for who in ("township", "secretary", "auditor"):
        resp = api_for(getattr(demo, who)).post("/api/v1/talks", payload, content_type="application/json")
        assert resp.status_code == 403 and resp.json() == {"detail": "只有组织部门可以记录谈话"}, who
    assert Talk.objects.count() == 1
