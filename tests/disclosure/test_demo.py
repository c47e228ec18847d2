"""The openness demo: every demo village with books has published disclosures (and the last
period in every state), questions answered, late and open; deterministic and idempotent."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

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
    generator.load("small", 2021)


def test_the_demo_discloses_every_book_and_asks_questions(city):
    first = demo.load_demo(2021)
    books = list(Book.objects.all())
    assert first.published >= len(books) * 1 and first.questions >= len(books) * 2
    assert set(Disclosure.objects.values_list("book_id", flat=True)) <= {b.pk for b in books}
    statuses = set(Disclosure.objects.values_list("status", flat=True))
    assert statuses == {"draft", "confirmed", "published"}
    # 大歇村 shows all three years, month by month; Taihu (quarterly) shows quarters
    assert Disclosure.objects.filter(village_id=demo.SHOWCASE, status="published").count() == 36
    assert set(Disclosure.objects.filter(village__code__startswith="340825").values_list("kind", flat=True)) == {"quarter"}
    assert services.settings_for("340825100200").frequency == "quarterly"
    # published figures check out against the books
    for d in Disclosure.objects.filter(status="published", year=2020, month_to=12):
        ok, why = services.check_disclosure(d)
        assert ok, why
    # questions: answered on time and late, overdue, and open within the deadline
    today = services.today()
    answered = Question.objects.filter(status="answered")
    assert answered.exists() and any(timezone_date(q.answered_at) > q.deadline for q in answered)
    assert Question.objects.filter(status="open", deadline__lt=today).exists()
    assert Question.objects.filter(status="open", deadline__gte=today).exists()
    assert services.overdue_questions(today)
    assert services.overdue_disclosures(dt.date(2021, 1, 20))  # a village late with December
    # the public page has something real to show
    html = Client().get(f"/v/{demo.SHOWCASE}/").content.decode()
    assert "最近一期公开：2020年12月" in html and "问</span>" in html


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
