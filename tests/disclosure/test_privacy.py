"""Done when: the public page, its API and its PDF expose no unmasked name, ID number or phone
number for any demo village.

The demo city with its books, the decisions demo and the openness demo are loaded; then real people of the register
are written where they could leak — as counterparties and in voucher summaries (with their phone
and ID numbers), in questions and in answers — and a month with them is published. Every public
output of every village is then scanned for every registered person's full name, ID number and
phone number."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sanwu.decisions import demo as decisions_demo
from sanwu.demo import books as demo_books
from sanwu.demo import generator
from sanwu.disclosure import demo as disclosure_demo
from sanwu.disclosure import services
from sanwu.disclosure.models import Disclosure, Question
from sanwu.ledger import services as ledger
from sanwu.ledger.models import Book
from sanwu.regions.models import Person, Region
from tests.conftest import finance_reviewed
from tests.ledger.journal import parse

from . import pdftext
from .conftest import body

ASKED = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def city(db):
    generator.load("small", 2021)  # with books, 2018 to last month
    decisions_demo.load_demo(2021)  # published resolutions and results show on the village page
    disclosure_demo.load_demo(2021)
    return {u.username: u for u in get_user_model().objects.all()}


def _code(book, role):
    return ledger.accounts_with_role(book, role)[0].code


def _leak_into_the_books(book: Book, people: list[Person]) -> bool:
    """A month in which villagers are named with their numbers, then published: the books' last
    month (still open in every demo book), where the county publishes monthly (False elsewhere:
    a quarter open for postings has not ended yet)."""
    s = services.settings_for(book.region_id)
    if s.frequency != "monthly":
        return False
    y, m = demo_books.last_month(services.today())
    a, b = people[0], people[1 % len(people)]
    text = f"""{y}-{m:02d}-15 收到{a.name}交来承包费，电话{a.phone}，身份证{a.id_number}
  {_code(book, "cash")}  800.00  -  cash
  {_code(book, "contracting_income") if ledger.accounts_with_role(book, "contracting_income") else _code(book, "operating_income")}  -  800.00  contracting  {a.name}{a.phone}
{y}-{m:02d}-20 支付{b.name}劳务费（{b.id_number}，{b.phone}）
  {_code(book, "management_expense")}  300.00  -
  {_code(book, "cash")}  -  300.00  cash  {b.name}
"""
    ledger.post_drafts(None, book, parse(text))
    p = services.period_containing(s.frequency, y, m)
    d = services.prepare(None, book, p.year, p.month_from, p.month_to)
    finance_reviewed(book, p.year, p.month_from, p.month_to)
    services.publish(None, services.confirm(None, d))
    return True


def _leak_into_questions(village: Region, people: list[Person], township_user) -> None:
    a, b = people[0], people[-1]
    q = services.ask(village.code, f"我是{a.name}，身份证{a.id_number}，电话{a.phone}，{b.name}家的补贴发了吗？", contact=a.phone, now=ASKED)
    services.answer(township_user, q, f"已核实，{b.name}（{b.phone}，{b.id_number}）的补贴已发放；{a.name}可到镇里查询。", now=ASKED + dt.timedelta(days=1))
    services.ask(village.code, f"{b.name}的电话是{b.phone}，身份证{b.id_number}，这个问题还没答复", now=ASKED)


def _public_outputs(code: str) -> dict[str, str]:
    c = Client()
    out = {}
    page = c.get(f"/v/{code}/")
    assert page.status_code == 200
    out[f"/v/{code}/"] = page.content.decode()
    for path in ("", "/disclosures", "/questions", "/decisions"):
        resp = c.get(f"/api/v1/public/villages/{code}{path}")
        assert resp.status_code == 200, path
        body(resp)  # real Chinese, valid JSON
        out[f"api{path}"] = resp.content.decode()
    # the newest three periods (the one written with people's names first; older demo periods
    # come from the same code and would only make the test slower)
    published = list(Disclosure.objects.filter(village_id=code, status="published").order_by("-year", "-month_to")[:3])
    for i, d in enumerate(published):
        out[f"/v/{code}/d/{d.pk}/"] = c.get(f"/v/{code}/d/{d.pk}/").content.decode()
        out[f"api/disclosures/{d.pk}"] = c.get(f"/api/v1/public/villages/{code}/disclosures/{d.pk}").content.decode()
        if i == 0:  # the notice of the newest period (a PDF takes a second)
            pdf = c.get(f"/v/{code}/d/{d.pk}/notice.pdf")
            assert pdf.status_code == 200
            text = pdftext.text(pdf.content)
            assert "财务公开" in text  # the reader reads this PDF
            out[f"/v/{code}/d/{d.pk}/notice.pdf"] = text
    return out


def test_no_public_output_of_any_demo_village_exposes_a_name_id_number_or_phone(city):
    township_users = {r.region_id: u for u in city.values() for r in u.role_assignments.filter(role="township_supervisor")}
    people = list(Person.objects.all())
    by_village: dict[str, list[Person]] = {}
    for p in people:
        by_village.setdefault(p.region_id[:12], []).append(p)
    villages = list(Region.objects.filter(level="village").order_by("code"))
    books = {b.region_id: b for b in Book.objects.all()}
    assert len(books) >= 8 and len(people) >= 40
    leaked = 0
    for v in villages:
        mine = by_village[v.code]
        if v.code in books:
            leaked += _leak_into_the_books(books[v.code], mine)
        _leak_into_questions(v, mine, township_users.get(v.parent_id))  # None: the system answers elsewhere
    assert Question.objects.filter(status="open").exists() and leaked >= len(books) // 2
    y, m = demo_books.last_month(services.today())
    assert Disclosure.objects.filter(year=y, month_to=m, status="published").count() == leaked

    place_names = sorted({r.name for r in Region.objects.all()}, key=len, reverse=True)
    scanned = 0
    for v in villages:
        for where, text in _public_outputs(v.code).items():
            scanned += 1
            for name in place_names:  # a person may share two characters with a place
                text = text.replace(name, "")
            text = re.sub(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", "", text)  # chain hashes: a run of digits in hex is no ID number
            for p in people:
                assert p.name not in text, f"{where} 暴露了姓名 {p.name}"
                assert p.id_number not in text and p.id_number[:-1] not in text, f"{where} 暴露了身份证号"
                assert not p.phone or p.phone not in text, f"{where} 暴露了电话"
            assert not re.search(r"(?<!\d)\d{15,18}[\dXx]?(?!\d)", text), f"{where} 含有像证件号的长数字"
            assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text), f"{where} 含有手机号"
    assert scanned >= len(villages) * 5
    # what was published is there, masked
    daxie = Client().get("/v/340828100200/").content.decode()
    a = by_village["340828100200"][0]
    assert a.name[0] + "*" in daxie and "已发放" in daxie and "（证件号已隐去）" in daxie
    assert "data-decisions" in daxie and "2020年度村干部集体经济发展奖励方案" in daxie
