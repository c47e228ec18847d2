"""Team analysis rounds and the difficult-villages list: villages rated weak are listed with a
task force and a ledger task; each round reviews the list (kept, improved, removed) and every
entry keeps its history across rounds; follow-up tasks go into the ledger; outsiders see and do
nothing."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.assessment import services
from sanwu.assessment.models import AnalysisRound, DifficultReview, DifficultVillage, FollowUp, History, Rating
from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork.models import Task
from sanwu.regions.models import Region

from .conftest import T1, V1, V2, YUEXI, api_client

# The demo's villages: township 1 (T1) has V1 (大歇村) and two more; township 2 (T2) V2 and two more.
V1B, V1C = "340828100201", "340828100202"
V2B = "340828101201"


def _round(user, when="2021-03-16", **kw):
    return services.create_round(user, YUEXI, dt.date.fromisoformat(when), **kw)


def _rate(user, rnd, ratings: dict[str, str]):
    for code, rating in ratings.items():
        services.rate_village(user, rnd, code, rating, findings=f"{rating}的问题")


def _history(code):
    entry = DifficultVillage.objects.filter(village_id=code).order_by("-id").first()
    return [(r.round.title, r.outcome) for r in entry.reviews.select_related("round").order_by("round__held_on")]


def test_rounds_are_numbered_per_year(demo):
    first, second = _round(demo.county), _round(demo.county, "2021-09-14")
    assert (first.title, second.title) == ("2021年第1轮", "2021年第2轮")
    assert first.criteria == ["班子结构", "书记履职", "团结协作", "制度落实", "发展集体经济", "服务群众"]
    assert _round(demo.county, "2022-03-01").title == "2022年第1轮"


def test_list_history_across_five_rounds(demo):
    """Like Taihu's five rounds: listed, kept, improved (still listed), removed."""
    r1 = _round(demo.county, "2020-03-01")
    _rate(demo.county, r1, {V1: "weak", V1B: "weak", V2: "good"})
    assert services.review_round(demo.county, r1) == {"already": False, "listed": 2, "kept": 0, "improved": 0, "removed": 0}
    entry = DifficultVillage.objects.get(village_id=V1, status="listed")
    assert entry.problems == "weak的问题"

    r2 = _round(demo.county, "2020-09-01")
    _rate(demo.county, r2, {V1: "weak", V1B: "average", V2: "weak"})
    services.review_round(demo.county, r2)

    r3 = _round(demo.county, "2021-03-01")
    _rate(demo.county, r3, {V1: "average", V1B: "good", V2: "weak"})
    services.review_round(demo.county, r3)

    r4 = _round(demo.county, "2021-09-01")
    _rate(demo.county, r4, {V1: "fairly_good"})  # V2 not rated this round: kept
    services.review_round(demo.county, r4)

    r5 = _round(demo.county, "2022-03-01")
    _rate(demo.county, r5, {V1: "weak", V2: "good"})  # V1 back on the list: a new entry
    services.review_round(demo.county, r5)

    assert _history(V1B) == [("2020年第1轮", "listed"), ("2020年第2轮", "improved"), ("2021年第1轮", "removed")]
    assert _history(V2) == [("2020年第2轮", "listed"), ("2021年第1轮", "kept"), ("2021年第2轮", "kept"), ("2022年第1轮", "removed")]
    first_v1, second_v1 = DifficultVillage.objects.filter(village_id=V1).order_by("id")
    assert [(r.round.title, r.outcome) for r in first_v1.reviews.order_by("round__held_on")] == [
        ("2020年第1轮", "listed"), ("2020年第2轮", "kept"), ("2021年第1轮", "improved"), ("2021年第2轮", "removed"),
    ]
    assert (first_v1.status, first_v1.removed_round.title) == ("removed", "2021年第2轮")
    assert (second_v1.status, second_v1.listed_round.title) == ("listed", "2022年第1轮")
    assert set(DifficultVillage.objects.filter(status="listed").values_list("village_id", flat=True)) == {V1}


def test_listing_makes_a_ledger_task_and_the_task_force_is_named(demo):
    r1 = _round(demo.county)
    _rate(demo.county, r1, {V1: "weak"})
    services.review_round(demo.county, r1)
    entry = DifficultVillage.objects.get(village_id=V1)
    task = Task.objects.get(pk=entry.task_id)
    assert (task.source_kind, task.region_id, task.origin) == ("analysis", V1, f"assessment.difficult:{entry.pk}")
    assert task.title == "重点难点村专班整治：主簿镇大歇村" and task.source_ref == "2021年第1轮"

    services.assign_task_force(demo.county, entry, leader="储国华（县委组织部副部长）", members="汪明（县农业农村局）\n程芳（县财政局）")
    entry.refresh_from_db()
    assert entry.leader == "储国华（县委组织部副部长）" and entry.members.splitlines() == ["汪明（县农业农村局）", "程芳（县财政局）"]
    with pytest.raises(Invalid) as exc:
        services.assign_task_force(demo.county, entry, leader="", members="")
    assert {p.field for p in exc.value.problems} == {"leader", "members"}
    for outsider in (demo.township, demo.auditor, demo.secretary):
        with pytest.raises(Refused):
            services.assign_task_force(outsider, entry, leader="x", members="y")


def test_county_may_decide_otherwise_than_proposed(demo):
    r1 = _round(demo.county)
    _rate(demo.county, r1, {V1: "weak", V1B: "average", V2: "weak"})
    services.review_round(demo.county, r1, {V2: "not_listed", V1B: "listed"}, {V1B: "群众反映强烈"})
    assert set(DifficultVillage.objects.values_list("village_id", flat=True)) == {V1, V1B}
    assert DifficultReview.objects.get(entry__village_id=V1B).note == "群众反映强烈"
    r2 = _round(demo.county, "2021-09-01")
    _rate(demo.county, r2, {V1: "good"})
    with pytest.raises(Invalid) as exc:
        services.review_round(demo.county, r2, {V1: "listed", V2B: "listed"})
    name = Region.objects.get(code=V2B).name
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("village", "大歇村（340828100200）的复核结果「listed」无效（可选：kept 保留、improved 好转（继续跟踪）、removed 销号移出）"),
        ("village", f"{name}（340828101201）本轮未研判，也不在清单中"),
    ]
    services.review_round(demo.county, r2, {V1: "kept"})  # the county keeps it despite the good rating
    assert DifficultVillage.objects.get(village_id=V1).status == "listed"


def test_a_review_happens_once_and_locks_the_ratings(demo):
    r1 = _round(demo.county)
    _rate(demo.county, r1, {V1: "weak"})
    services.review_round(demo.county, r1)
    again = services.review_round(demo.county, r1)
    assert again == {"already": True, "listed": 1, "kept": 0, "improved": 0, "removed": 0}
    assert DifficultVillage.objects.count() == 1 and Task.objects.filter(source_kind="analysis").count() == 1
    with pytest.raises(Invalid, match="已复核重点难点村清单"):
        services.rate_village(demo.county, r1, V1, "good")


def test_ratings_are_checked(demo):
    r1 = _round(demo.county)
    with pytest.raises(Invalid) as exc:
        services.rate_village(demo.county, r1, V1, "excellent", criteria={"班子结构": "很好", "不存在": "好"})
    assert {p.field for p in exc.value.problems} == {"rating", "criteria"}
    with pytest.raises(Invalid, match="不是本县的村"):
        services.rate_village(demo.county, r1, "340825100200", "good")
    row = services.rate_village(demo.county, r1, V1, "较差", criteria={"书记履职": "较差", "班子结构": ""})
    assert (row.rating, row.criteria) == ("weak", {"书记履职": "weak"})


def test_a_township_rates_its_own_villages_only(demo):
    r1 = _round(demo.county)
    services.rate_village(demo.township, r1, V1, "average")
    for outsider, code in ((demo.township, V2), (demo.other_township, V1), (demo.auditor, V1), (demo.secretary, V1), (demo.accountant, V1)):
        with pytest.raises(Refused):
            services.rate_village(outsider, r1, code, "weak")
    assert Rating.objects.count() == 1
    with pytest.raises(Refused):
        services.review_round(demo.township, r1)
    with pytest.raises(Refused):
        _round(demo.township)


def test_follow_ups_become_ledger_tasks(demo):
    r1 = _round(demo.county)
    fu = services.add_follow_up(demo.county, r1, V1, "规范“三会一课”", dt.date(2021, 5, 31), "月底前报送")
    task = Task.objects.get(pk=fu.task_id)
    assert (task.title, task.region_id, task.source_kind, task.origin, task.deadline) == (
        "规范“三会一课”", V1, "analysis", f"assessment.followup:{fu.pk}", dt.date(2021, 5, 31),
    )
    with pytest.raises(Invalid) as exc:
        services.add_follow_up(demo.county, r1, "340825100000", "", dt.date(2020, 1, 1))
    assert [p.field for p in exc.value.problems] == ["region"]
    with pytest.raises(Invalid) as exc:
        services.add_follow_up(demo.county, r1, T1, "", dt.date(2020, 1, 1))
    assert {p.field for p in exc.value.problems} == {"title", "deadline"}
    with pytest.raises(Refused):
        services.add_follow_up(demo.township, r1, V1, "x", dt.date(2021, 5, 31))
    assert FollowUp.objects.count() == 1


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def listed(demo):
    r1 = _round(demo.county)
    _rate(demo.county, r1, {V1: "weak", V1B: "good", V2: "weak", V2B: "average"})
    services.add_follow_up(demo.county, r1, V2, "整顿关河村", dt.date(2021, 6, 30))
    services.review_round(demo.county, r1)
    return r1


def test_county_pages_show_every_village_and_the_list(demo, as_user, listed):
    c = as_user(demo.county)
    page = c.get(reverse("assessment:round", args=[listed.pk])).content.decode()
    assert "大歇村" in page and "关河村" in page and "整顿关河村" in page
    lst = c.get(reverse("assessment:difficult_list")).content.decode()
    assert "大歇村" in lst and "关河村" in lst and "2021年第1轮 列入清单" in lst
    xlsx = c.get(reverse("assessment:difficult_list") + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_township_sees_its_own_villages_only(demo, as_user, listed):
    c = as_user(demo.township)
    rounds = c.get(reverse("assessment:rounds")).content.decode()
    assert "2021年第1轮" in rounds
    page = c.get(reverse("assessment:round", args=[listed.pk])).content.decode()
    assert "大歇村" in page and "关河村" not in page and "整顿关河村" not in page
    lst = c.get(reverse("assessment:difficult_list")).content.decode()
    assert "大歇村" in lst and "关河村" not in lst
    ws = load_workbook(io.BytesIO(c.get(reverse("assessment:difficult_list") + "?format=xlsx").content)).active
    assert [r[2] for r in ws.iter_rows(min_row=2, values_only=True)] == ["大歇村"]
    ws = load_workbook(io.BytesIO(c.get(reverse("assessment:round", args=[listed.pk]) + "?format=xlsx").content)).active
    assert {r[0] for r in ws.iter_rows(min_row=2, values_only=True)} == {V1, V1B, "340828100202"}
    other = DifficultVillage.objects.get(village_id=V2)
    assert c.get(reverse("assessment:difficult", args=[other.pk])).status_code == 404
    assert c.get(reverse("assessment:rate", args=[listed.pk, V2])).status_code == 404
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.township, object_id=str(other.pk)).exists()
    # The review is the county's.
    assert c.get(reverse("assessment:review", args=[listed.pk])).status_code == 404


def test_round_pages_refuse_village_users_and_anonymous(demo, as_user, listed, client):
    for user in (demo.secretary, demo.accountant):
        assert as_user(user).get(reverse("assessment:rounds")).status_code == 403
        assert as_user(user).get(reverse("assessment:difficult_list")).status_code == 403
    resp = client.get(reverse("assessment:difficult_list"))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_rating_and_review_through_the_pages(demo, as_user):
    r1 = _round(demo.county)
    c = as_user(demo.township)
    resp = c.post(reverse("assessment:rate", args=[r1.pk, V1]), {"rating": "weak", "findings": "书记长期在外", "c0": "average"})
    assert resp.status_code == 302
    assert Rating.objects.get(village_id=V1).criteria == {"班子结构": "average"}
    assert c.post(reverse("assessment:review", args=[r1.pk]), {}).status_code == 404  # not the township's
    county = as_user(demo.county)
    page = county.get(reverse("assessment:review", args=[r1.pk])).content.decode()
    assert "data-confirm=" in page and 'name="o-340828100200"' in page
    resp = county.post(reverse("assessment:review", args=[r1.pk]), {"o-340828100200": "listed", "n-340828100200": "书记不在村"})
    assert resp.status_code == 302
    assert AnalysisRound.objects.get(pk=r1.pk).status == "reviewed"
    assert DifficultReview.objects.get(entry__village_id=V1).note == "书记不在村"
    assert History.objects.filter(kind="round", object_id=r1.pk, action="reviewed").exists()


def test_auditor_reads_but_cannot_write(demo, as_user, listed):
    c = as_user(demo.auditor)
    assert "大歇村" in c.get(reverse("assessment:difficult_list")).content.decode()
    entry = DifficultVillage.objects.get(village_id=V1)
    assert c.post(reverse("assessment:difficult", args=[entry.pk]), {"leader": "x", "members": "y"}).status_code == 403
    assert c.post(reverse("assessment:rounds"), {"held_on": "2021-10-01"}).status_code == 403
    assert c.post(reverse("assessment:rate", args=[listed.pk, V1]), {"rating": "good"}).status_code == 403
    assert AnalysisRound.objects.count() == 1 and DifficultVillage.objects.get(village_id=V1).leader == ""


def test_history_is_the_one_event_shape_and_the_system_operator_shows_as_系统(demo, as_user):
    rnd = _round(None, "2021-03-01")  # the system operator: the CLI without --as, the demo
    _rate(demo.county, rnd, {V1: "weak"})
    services.review_round(demo.county, rnd)
    rows = History.objects.filter(kind="round", object_id=rnd.pk).order_by("id")
    assert [(h.action, h.action_label, h.from_status, h.to_status, h.actor_name, h.actor_label) for h in rows] == [
        ("created", "建立", "", "open", "", "系统"), ("reviewed", "复核清单", "open", "reviewed", "county_yuexi", "county_yuexi"),
    ]
    entry = DifficultVillage.objects.get(village_id=V1)
    assert History.objects.get(kind="difficult", object_id=entry.pk).to_status == "listed"
    body = as_user(demo.county).get(reverse("assessment:round", args=[rnd.pk])).content.decode()
    timeline = body[body.index('class="timeline"'):]
    assert '<span class="who">系统</span>' in timeline and '<span class="who">岳西县监管员</span>' in timeline
    # the township reaches the round through its villages, not the county's history of it
    town = as_user(demo.township).get(reverse("assessment:round", args=[rnd.pk])).content.decode()
    assert 'class="timeline"' not in town


def test_the_migration_to_the_event_shape_names_the_actors_of_rows_from_before(demo):
    migration = importlib.import_module("sanwu.assessment.migrations.0002_history_as_core_event")
    rnd = _round(demo.county)
    before = History.objects.create(kind="round", object_id=rnd.pk, region_code=YUEXI, action="follow_up", actor=demo.county, note="旧记录")
    nobody = History.objects.create(kind="round", object_id=rnd.pk, region_code=YUEXI, action="follow_up", actor=None)
    at = before.at
    migration.fill_actor_names(django_apps, None)
    before.refresh_from_db()
    nobody.refresh_from_db()
    assert (before.actor_name, before.note, before.at, nobody.actor_name, nobody.actor_label) == ("county_yuexi", "旧记录", at, "", "系统")


def test_a_round_of_another_county_is_not_found_on_the_page_and_over_the_api_audited(demo, as_user):
    """`services.round_for` raises NotFound: the 404 page (core's middleware) and 404 JSON."""
    taihu = services.create_round(None, "340825000000", dt.date(2021, 3, 1))
    assert as_user(demo.township).get(reverse("assessment:round", args=[taihu.pk])).status_code == 404
    resp = api_client(demo.township).get(f"/api/v1/analysis-rounds/{taihu.pk}")
    assert resp.status_code == 404 and resp.json() == {"detail": "未找到，或不在您的管辖范围内"}
    refusals = AuditEvent.objects.filter(action="permission_denied", actor=demo.township, object_type="assessment.analysisround")
    assert set(refusals.values_list("object_id", "region_code")) == {(str(taihu.pk), "340825000000")} and refusals.count() == 2
    assert as_user(demo.county).get(reverse("assessment:round", args=[taihu.pk])).status_code == 404  # nor the Yuexi county supervisor
