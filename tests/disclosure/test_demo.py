"""The openness demo: every demo village with books has published disclosures (and the last
period in every state), questions answered, late and open; deterministic and idempotent."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from sanwu.coop import demo as coop_demo
from sanwu.demo import generator
from sanwu.disclosure import demo, services
from sanwu.disclosure.models import Disclosure, Question
from sanwu.ledger.models import Book

TABLES = ["disclosure_questionevent", "disclosure_question", "disclosure_disclosureevent", "disclosure_disclosure", "disclosure_disclosuresettings"]


def facts():
    today = services.today()
    ds = [
        (d.village_id, d.period_key, d.status, d.snapshot["income_total"]["period"], d.chain_head, str(d.published_at))
        for d in Disclosure.objects.order_by("village_id", "year", "month_to")
    ]
    qs = [
        (q.village_id, q.text, q.status, q.public_answer, str(q.asked_at) if q.deadline < today else "recent")
        for q in Question.objects.order_by("village_id", "asked_at", "id")
    ]
    return ds, qs


@pytest.fixture
def city(db):
    """The city with its books, and the cooperatives whose supervisory committees review each
    month before its disclosure is published (the coop part loads before the disclosures)."""
    generator.load("small", 2021)
    coop_demo.load_demo(2021)


def test_the_demo_discloses_every_book_and_asks_questions(city):
    first = demo.load_demo(2021)
    books = list(Book.objects.all())
    today = services.today()
    assert first.published >= len(books) * 4 and first.questions >= len(books) * 2
    assert set(Disclosure.objects.values_list("book_id", flat=True)) <= {b.pk for b in books}
    statuses = set(Disclosure.objects.values_list("status", flat=True))
    assert statuses == {"draft", "confirmed", "published"}
    # 大歇村 shows all of 2018–2020 month by month, and every month due in the last year
    showcase = Disclosure.objects.filter(village_id=demo.SHOWCASE, status="published")
    assert showcase.filter(year__lte=2020).count() == 36
    s = services.settings_for(demo.SHOWCASE)
    due = [p for p in demo._periods(Book.objects.get(code=demo.SHOWCASE), today) if services.due_date(s, p) <= today]
    assert len(due) >= 36 + 11 and showcase.count() == len(due)
    assert set(Disclosure.objects.filter(village__code__startswith="340825").values_list("kind", flat=True)) == {"quarter"}
    assert services.settings_for("340825100200").frequency == "quarterly"
    # published on time by most villages: the last period due, published by most before its due date
    last = due[-1]
    on_time = [d for d in Disclosure.objects.filter(status="published", year=last.year, month_to=last.month_to, kind="month")
               if timezone_date(d.published_at) <= services.due_date(s, last)]
    assert len(on_time) >= Book.objects.filter(code__startswith="340828").count() // 2
    for d in on_time:  # published figures check out against the books
        ok, why = services.check_disclosure(d)
        assert ok, why
    for d in Disclosure.objects.all():  # nothing dated after today; published after prepared
        assert d.prepared_at <= timezone.now() and (d.published_at is None or d.prepared_at < d.published_at)
    # questions: answered on time and late, overdue, and open within the deadline
    answered = Question.objects.filter(status="answered")
    assert answered.exists() and any(timezone_date(q.answered_at) > q.deadline for q in answered)
    assert Question.objects.filter(status="open", deadline__lt=today).exists()
    assert Question.objects.filter(status="open", deadline__gte=today).exists()
    assert services.overdue_questions(today)
    assert all(today - timezone_date(q.asked_at) <= dt.timedelta(days=340) for q in Question.objects.all())
    # answers answer their question: the PV question is answered with the village's PV income
    pv = [q for q in answered if q.text.startswith("今年光伏电站")]
    assert pv and all("光伏电站" in q.answer and "万元" in q.answer for q in pv)
    assert not any("“两委”商议" in q.answer for q in answered if "承包费" in q.text)
    # the public page has something real to show: the last period due, not a six-year-old one
    html = Client().get(f"/v/{demo.SHOWCASE}/").content.decode()
    assert f"最近一期公开：{last.label}" in html and "问</span>" in html


def timezone_date(value):
    return timezone.localtime(value).date()


def test_the_demo_is_idempotent_and_deterministic(city):
    demo.load_demo(2021)
    before = facts()
    again = demo.load_demo(2021)
    assert (again.disclosures, again.published, again.questions, again.answered) == (0, 0, 0, 0)
    assert facts() == before
    with connection.cursor() as cur:  # start over (published disclosures refuse to be deleted through the ORM)
        for table in TABLES:
            cur.execute(f"DELETE FROM {table}")
    demo.load_demo(2021)
    assert facts() == before
