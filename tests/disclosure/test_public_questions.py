"""A villager's question followed to its answer on the public pages (issue 11 item 9): a number
and the question's own page with its state and real deadline; pending questions listed masked on
the village page; an empty question answered beside its field; a village late with its
disclosure marked 逾期未公开 instead of showing an old month as the latest."""

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from sanwu.disclosure import services
from sanwu.disclosure.models import Question

from .conftest import post_journal
from .test_disclosures import DAXIE, person

GUANHE = "340828101200"  # 关河村, another township


def _last_due(today: dt.date, due_day: int) -> str:
    """The last month whose disclosure was due before today (monthly)."""
    y, m = today.year, today.month
    for _ in range(1 if today.day > due_day else 2):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return f"{y}-{m:02d}"


def _ask(client, code, text):
    page = client.get(f"/v/{code}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(f"/v/{code}/ask/", {"text": text, "contact": "13912345678", "csrfmiddlewaretoken": token}, REMOTE_ADDR="10.0.0.9")


def test_after_asking_a_number_and_the_questions_own_page_with_state_and_deadline(demo):
    services.update_settings(demo.county, "340828000000", "monthly", 10, 7)
    villager = Client(enforce_csrf_checks=True)
    resp = _ask(villager, DAXIE, "村部维修花了多少钱？")
    q = Question.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/v/{DAXIE}/q/{q.pk}/?new=1"
    page = villager.get(resp["Location"]).content.decode()
    number = services.tracking_number(q.pk)
    deadline = timezone.localdate() + dt.timedelta(days=7)
    assert f"您的提问编号是 <strong data-number>{number}</strong>" in page
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in page and "规定时间内" not in page
    assert f"/v/{DAXIE}/q/{q.pk}/" in page  # the address to come back to
    assert 'data-state="open"' in page and "待答复" in page
    # the same page later (no "received" note), then answered, then late for another one
    again = Client().get(f"/v/{DAXIE}/q/{q.pk}/").content.decode()
    assert "已收到您的问题" not in again and "待答复" in again and "村部维修花了多少钱？" in again
    services.answer(demo.township, q, "维修共花费3,000元，见本月公开。")
    answered = Client().get(f"/v/{DAXIE}/q/{q.pk}/").content.decode()
    assert 'data-state="answered"' in answered and "维修共花费3,000元" in answered
    late = services.ask(DAXIE, "集体山场的承包费收了没有？", now=timezone.now() - dt.timedelta(days=12))
    overdue = Client().get(f"/v/{DAXIE}/q/{late.pk}/").content.decode()
    assert 'data-state="overdue"' in overdue and "已超过答复期限" in overdue


def test_the_question_page_shows_nothing_of_another_village(demo):
    q = services.ask(DAXIE, "今年光伏收入有多少？")
    assert Client().get(f"/v/{GUANHE}/q/{q.pk}/").status_code == 404  # not through another village's address
    assert Client().get(f"/v/{DAXIE}/q/{q.pk + 1000}/").status_code == 404
    assert Client().get(f"/v/340828199999/q/{q.pk}/").status_code == 404
    other = Client().get(f"/v/{GUANHE}/").content.decode()
    assert "今年光伏收入有多少？" not in other and 'id="pending"' not in other


def test_pending_questions_are_listed_masked_on_the_village_page(demo):
    person(DAXIE, "王德明", 301)
    q = services.ask(DAXIE, "王德明家的土地流转费什么时候发？电话13912345678")
    html = Client().get(f"/v/{DAXIE}/").content.decode()
    pending = html[html.index('id="pending"'):html.index('id="ask"')]
    assert "王*明家的土地流转费什么时候发？" in pending and "王德明" not in html and "13912345678" not in html
    assert f"编号 {services.tracking_number(q.pk)}" in pending and f"/v/{DAXIE}/q/{q.pk}/" in pending
    assert "应在" in pending and "前答复" in pending
    questions = html[html.index('id="questions"'):html.index('id="pending"')]
    assert "土地流转费" not in questions  # the answered list holds answers only
    own = Client().get(f"/v/{DAXIE}/q/{q.pk}/").content.decode()
    assert "王*明家的土地流转费" in own and "王德明" not in own
    services.answer(demo.township, q, "流转费月底前发放。")
    after = Client().get(f"/v/{DAXIE}/").content.decode()
    assert 'id="pending"' not in after and "流转费月底前发放。" in after


def test_an_empty_question_is_answered_beside_its_field(demo):
    villager = Client(enforce_csrf_checks=True)
    for text, message in (("", "请写下您的问题"), ("   ", "请写下您的问题"), ("钱？", "问题太短")):
        resp = _ask(villager, DAXIE, text)
        html = resp.content.decode()
        assert resp.status_code == 422
        field = html[html.index('id="id_text"'):html.index('id="id_contact"')]
        assert 'aria-invalid="true"' in field and 'data-field-error="text"' in field and message in field
        assert 'class="problems"' not in html  # not in a box above the form
    assert not Question.objects.exists()


def test_a_village_late_with_its_disclosure_is_marked_overdue_not_shown_as_up_to_date(demo, book, published):
    # 大歇村 published March 2025 and booked nothing since: March is its latest, nothing is late
    html = Client().get(f"/v/{DAXIE}/").content.decode()
    assert "最近一期公开：2025年3月" in html and "逾期未公开" not in html
    # then business in a month whose county due date (the 10th of the next month) has passed
    late = _last_due(services.today(), services.settings_for(DAXIE).due_day)
    post_journal(demo.accountant, book, f"{late}-15 支付村部电费\n  513  120.00  -\n  101  -  120.00  cash\n")
    html = Client().get(f"/v/{DAXIE}/").content.decode()
    assert f'data-overdue="{late}"' in html and "逾期未公开" in html
    assert "最近一期公开：2025年3月" not in html and "已发布的最后一期：2025年3月" in html
    assert services.public_village(DAXIE)["overdue"]["period"] == late
    # as of March's due date nothing was late; a month later April's business was
    due_then = services.due_date(services.settings_for(DAXIE), services.Period(2025, 3, 3))
    assert services.overdue_period(DAXIE, published, as_of=due_then) is None
    assert services.overdue_period(DAXIE, published, as_of=due_then + dt.timedelta(days=31))["period"] == "2025-04"
    # a village without a book has nothing to be late with
    assert services.overdue_period(GUANHE, None) is None
