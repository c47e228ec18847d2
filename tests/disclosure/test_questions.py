"""Villagers' questions: anyone asks (throttled, contact kept masked), the township answers before
the county's deadline, the answer is published with the question, the county sees answer rates."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.disclosure import services
from sanwu.disclosure.models import Question

from .test_disclosures import DAXIE, person

GUANHE = "340828101200"  # 关河村, 五河镇 (township_2)
NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def test_anyone_asks_and_the_question_goes_to_the_township_with_the_countys_deadline(demo):
    services.update_settings(demo.county, "340828000000", "monthly", 10, 3)
    q = services.ask(DAXIE, "村部维修花了多少钱？我的电话13912345678", contact="139 1234 5678", ip="10.0.0.1", now=NOW)
    assert (q.village_id, q.township_code, q.status, q.deadline) == (DAXIE, "340828100000", "open", dt.date(2025, 6, 5))
    assert q.text == "村部维修花了多少钱？我的电话（电话已隐去）"
    assert q.contact_masked == "139****5678" and len(q.contact_hash) == 64 and "13912345678" not in q.contact_hash
    assert q.ip_hash and "10.0.0.1" not in q.ip_hash
    assert q.events.get().action == "asked"
    assert AuditEvent.objects.filter(action="question.ask", object_id=str(q.pk), region_code=DAXIE).exists()


def test_questions_are_checked_for_length_and_village(demo):
    with pytest.raises(Invalid, match="太短"):
        services.ask(DAXIE, "钱？")
    with pytest.raises(Invalid, match="不能超过500个字"):
        services.ask(DAXIE, "问" * 501)
    with pytest.raises(Invalid, match="联系方式不能超过"):
        services.ask(DAXIE, "村部维修花了多少钱？", contact="1" * 41)
    with pytest.raises(Invalid, match="没有找到"):
        services.ask("340828100000", "乡镇不是村，不能提问")  # a township, not a village
    assert not Question.objects.exists()


def test_a_flood_of_questions_is_throttled_per_address_and_per_village(demo):
    for i in range(services.ASK_PER_IP_PER_HOUR):
        services.ask(DAXIE, f"第{i}个问题，请答复", ip="10.0.0.1", now=NOW + dt.timedelta(minutes=i))
    with pytest.raises(Invalid, match="提问太频繁"):
        services.ask(GUANHE, "换一个村也不行", ip="10.0.0.1", now=NOW + dt.timedelta(minutes=10))
    services.ask(DAXIE, "另一个地址可以提问", ip="10.0.0.2", now=NOW + dt.timedelta(minutes=10))
    services.ask(DAXIE, "一小时后同一地址又可以了", ip="10.0.0.1", now=NOW + dt.timedelta(minutes=61))
    # per village, whatever the address
    for i in range(services.ASK_PER_VILLAGE_PER_HOUR - Question.objects.filter(asked_at__gte=NOW + dt.timedelta(minutes=2)).count()):
        services.ask(DAXIE, f"很多人都在问第{i}个", ip=f"10.1.0.{i}", now=NOW + dt.timedelta(minutes=62))
    with pytest.raises(Invalid, match="本村近一小时的提问已很多"):
        services.ask(DAXIE, "我也想再问一个", ip="10.9.9.9", now=NOW + dt.timedelta(minutes=62))
    services.ask(GUANHE, "别的村不受影响", ip="10.9.9.9", now=NOW + dt.timedelta(minutes=62))


def test_the_township_answers_and_the_answer_is_published_masked(demo):
    names = [person(DAXIE, "王德明", 201, "13912345678")]
    q = services.ask(DAXIE, "王德明家的土地流转费什么时候发？", now=NOW)
    for outsider in (demo.other_township, demo.accountant, demo.secretary, demo.auditor, demo.city, demo.other_accountant):
        with pytest.raises(Refused):
            services.answer(outsider, q, "答复")
    with pytest.raises(Invalid, match="答复不能为空"):
        services.answer(demo.township, q, " ")
    q = services.answer(demo.township, q, "已核实，王德明（13912345678）的流转费本月发放。", now=NOW + dt.timedelta(days=2))
    assert (q.status, q.answered_by) == ("answered", demo.township)
    assert q.public_text == "王*明家的土地流转费什么时候发？"
    assert q.public_answer == "已核实，王*明（（电话已隐去））的流转费本月发放。"
    assert q.answer == "已核实，王德明（（电话已隐去））的流转费本月发放。"  # numbers never kept
    with pytest.raises(Invalid, match="已经答复"):
        services.answer(demo.county, q, "再答一次")
    public = services.public_questions(DAXIE)
    assert public == [{"id": q.pk, "asked_on": dt.date(2025, 6, 2), "question": q.public_text, "answer": q.public_answer, "answered_on": dt.date(2025, 6, 4), "on_time": True}]
    assert names[0].name not in str(public)


def test_only_answered_questions_are_published_with_answers_the_rest_listed_as_pending(demo):
    q = services.ask(DAXIE, "还没答复的问题单独列出", now=NOW)
    assert services.public_questions(DAXIE) == []
    assert [x["id"] for x in services.public_pending(DAXIE)] == [q.pk]
    html = Client().get(f"/v/{DAXIE}/").content.decode()
    answered = html[html.index('id="questions"'):html.index('id="pending"')]
    assert "还没答复的问题单独列出" not in answered and "还没答复的问题单独列出" in html[html.index('id="pending"'):]


def test_overdue_questions_for_oversight(demo):
    a = services.ask(DAXIE, "第一个问题请答复", now=NOW)  # deadline 06-09
    b = services.ask(GUANHE, "第二个问题请答复", now=NOW + dt.timedelta(days=3))  # deadline 06-12
    assert services.overdue_questions(dt.date(2025, 6, 9)) == []
    assert services.overdue_questions(dt.date(2025, 6, 10)) == [a]
    assert [(q.pk, q.village_code, q.deadline) for q in services.overdue_questions(dt.date(2025, 6, 13))] == [(a.pk, DAXIE, dt.date(2025, 6, 9)), (b.pk, GUANHE, dt.date(2025, 6, 12))]
    services.answer(demo.township, a, "已答复")
    assert services.overdue_questions(dt.date(2025, 6, 13)) == [b]


def test_the_county_sees_answer_rates_and_times(demo):
    a = services.ask(DAXIE, "第一个问题请答复", now=NOW)
    services.answer(demo.township, a, "按时答复", now=NOW + dt.timedelta(days=2))
    b = services.ask(DAXIE, "第二个问题请答复", now=NOW)
    services.answer(demo.township, b, "逾期答复", now=NOW + dt.timedelta(days=10))
    services.ask(DAXIE, "第三个问题没人答", now=NOW)
    services.ask(GUANHE, "关河村的问题", now=timezone.now())
    rows = services.answer_stats(demo.county, as_of=dt.date(2025, 7, 1))
    by = {r["township"]: r for r in rows}
    assert set(by) == {"主簿镇", "五河镇", "合计"}
    z = by["主簿镇"]
    assert (z["asked"], z["answered"], z["on_time"], z["open"], z["overdue"], z["rate"], z["on_time_rate"], z["avg_days"]) == (3, 2, 1, 1, 1, 66.7, 33.3, 6.0)
    assert (by["合计"]["asked"], by["合计"]["answered"]) == (4, 2)
    # a township sees its own; a village cadre nothing
    assert [r["township"] for r in services.answer_stats(demo.township)] == ["主簿镇", "合计"]
    assert [r["township"] for r in services.answer_stats(demo.other_township)] == ["五河镇", "合计"]
    assert services.answer_stats(demo.accountant) == []


def test_question_pages_inside_the_platform(demo, as_user):
    q = services.ask(DAXIE, "村部维修花了多少钱？", contact="13912345678", now=timezone.now() - dt.timedelta(days=30))
    town = as_user(demo.township)
    listing = town.get("/questions/?state=overdue").content.decode()
    assert "村部维修花了多少钱" in listing and "已逾期" in listing
    page = town.get(f"/questions/{q.pk}/").content.decode()
    assert "13912345678" not in page and "139****5678" not in page and "留了联系方式" in page
    assert "答复并公开" in page and "data-confirm" in page
    assert town.get("/questions/?format=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    assert town.get("/questions/stats/?format=xlsx").status_code == 200
    # outsiders: another township 404, village cadres 403
    assert as_user(demo.other_township).get(f"/questions/{q.pk}/").status_code == 404
    assert "村部维修" not in as_user(demo.other_township).get("/questions/?state=all").content.decode()
    for cadre in (demo.accountant, demo.secretary):
        assert as_user(cadre).get("/questions/").status_code == 403
        assert as_user(cadre).get(f"/questions/{q.pk}/").status_code == 403
    assert Client().get("/questions/").status_code == 302
    # the auditor reads but may not answer
    auditor = as_user(demo.auditor)
    assert "答复并公开" not in auditor.get(f"/questions/{q.pk}/").content.decode()
    assert auditor.post(f"/questions/{q.pk}/", {"answer": "审计不能答复"}).status_code == 403
    assert as_user(demo.other_township).post(f"/questions/{q.pk}/", {"answer": "不是我的乡镇"}).status_code == 404
    resp = town.post(f"/questions/{q.pk}/", {"answer": "已答复：维修花费 3,000 元，见本月公开。"})
    assert resp.status_code == 302
    q.refresh_from_db()
    assert q.status == "answered" and q.answered_by == demo.township
    assert "维修花费 3,000 元" in Client().get(f"/v/{DAXIE}/").content.decode()


def test_the_public_form_asks_with_csrf(demo):
    c = Client(enforce_csrf_checks=True)
    page = c.get(f"/v/{DAXIE}/")
    token = page.cookies["csrftoken"].value
    assert c.post(f"/v/{DAXIE}/ask/", {"text": "没有令牌的提问"}, REMOTE_ADDR="10.0.0.5").status_code == 403
    resp = c.post(f"/v/{DAXIE}/ask/", {"text": "村里今年的分红怎么算？", "contact": "", "csrfmiddlewaretoken": token}, REMOTE_ADDR="10.0.0.5")
    q = Question.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/v/{DAXIE}/q/{q.pk}/?new=1"
    assert q.text == "村里今年的分红怎么算？"
    bad = c.post(f"/v/{DAXIE}/ask/", {"text": "短", "csrfmiddlewaretoken": token}, REMOTE_ADDR="10.0.0.5")
    assert bad.status_code == 422 and "问题太短" in bad.content.decode()
    assert c.post("/v/340828199999/ask/", {"text": "没有这个村的提问", "csrfmiddlewaretoken": token}).status_code == 404


def test_lists_and_exports_mask_names_the_question_page_shows_the_text(demo, as_user):
    person(DAXIE, "王德明", 301)
    q = services.ask(DAXIE, "王德明家的土地流转费什么时候发？")
    town = as_user(demo.township)
    listing = town.get("/questions/").content.decode()
    assert "王*明家的土地流转费" in listing and "王德明" not in listing
    rows = list(load_workbook(io.BytesIO(town.get("/questions/?format=xlsx").content)).active.values)
    assert "王*明家的土地流转费什么时候发？" in rows[1] and "王德明" not in str(rows)
    assert "王德明家的土地流转费" in town.get(f"/questions/{q.pk}/").content.decode()
