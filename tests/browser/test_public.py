"""Done when, in Chromium at phone width (390×844): an anonymous villager opens the village page
from its QR link, reads the month's disclosure, asks a question; the township answers; the answer
appears on the public page. No console errors (a CSP violation would be one)."""

import datetime as dt

import pytest
from django.conf import settings

from sanwu.disclosure import services
from sanwu.disclosure.models import Question
from sanwu.disclosure.views.public import public_url
from sanwu.ledger import services as ledger
from tests.conftest import finance_reviewed
from tests.ledger.journal import parse

from .conftest import PHONE, browser_page, login

pytestmark = pytest.mark.browser

DAXIE = "340828100200"
MARCH = """
2025-03-05 收到光伏发电收入
  102   12000.50  -          bank
  501   -          12000.50  pv  国网岳西县供电公司
2025-03-08 收到王德明交来门面租金
  101   3000.00   -          cash
  501   -          3000.00   rent  王德明
2025-03-20 支付村部保洁费
  513   800.00    -
  101   -          800.00    cash
"""


def publish_march(demo):
    book = ledger.create_book(demo.county, f"P{DAXIE}", DAXIE, "2023", name="大歇村股份经济合作社", start_date=dt.date(2025, 1, 1))
    ledger.confirm_opening(demo.accountant, book)
    ledger.post_drafts(demo.accountant, book, parse(MARCH))
    d = services.prepare(demo.accountant, book, 2025, 3)
    finance_reviewed(book, 2025, 3)
    return services.publish(demo.secretary, services.confirm(demo.secretary, d))


def test_a_villager_reads_the_month_asks_and_sees_the_townships_answer(demo_live, live_server):
    d = publish_march(demo_live)
    url = public_url(DAXIE, live_server.url)  # what the QR code on the notice board encodes
    assert url == f"{live_server.url}/v/{DAXIE}/"
    password = settings.SANWU_DEMO_PASSWORD
    question = "村里三月份的租金收入是谁交的？用在了哪里？"
    answer = "三月租金3000元为村部门面出租收入，已存入村集体账户，用于村部日常开支，明细见本月公开。"
    with browser_page(PHONE) as page:
        # the QR code itself, PNG and SVG
        png = page.request.get(f"{live_server.url}/v/{DAXIE}/qr.png")
        svg = page.request.get(f"{live_server.url}/v/{DAXIE}/qr.svg")
        assert png.status == 200 and png.headers["content-type"] == "image/png" and png.body().startswith(b"\x89PNG")
        assert svg.status == 200 and svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.body()

        page.goto(url)
        assert page.locator("h1").inner_text().startswith("大歇村")
        assert page.locator("#latest h2").inner_text() == "最近一期公开：2025年3月"
        assert page.locator("#latest [data-income]").inner_text() == "15,000.50 元"
        assert page.locator("#latest [data-expense]").inner_text() == "800.00 元"
        assert "已核对" in page.locator("#latest [data-check]").inner_text()
        assert page.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 0")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        # the large-font switch
        small = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        page.click("[data-toggle-large]")
        assert page.evaluate("document.documentElement.classList.contains('large')")
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > small
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

        # the month's disclosure, voucher by voucher
        page.click("[data-open-disclosure]")
        page.wait_for_url(f"**/v/{DAXIE}/d/{d.pk}/")
        items = page.locator("[data-items] li")
        assert items.count() == 3
        assert "王*明" in items.nth(1).inner_text() and "王德明" not in page.content()
        assert page.locator("html.large").count() == 1  # the switch is remembered
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.go_back()

        # asking
        page.fill("textarea[name=text]", question)
        page.click("#ask button[type=submit]")
        page.wait_for_url("**/q/*/?new=1")
        assert "已收到您的问题" in page.locator("[data-asked]").inner_text()
        assert page.locator("[data-number]").inner_text().isdigit() and "规定时间内" not in page.content()
        assert page.locator("#question").get_attribute("data-state") == "open"
        page.goto(url)
        assert question not in page.locator("#questions").inner_text()  # not answered yet: listed apart
        assert question in page.locator("#pending").inner_text()
        errors = list(page.errors)

        # the township supervisor answers, logged in on the phone
        login(page, live_server.url, demo_live.township.username, password)
        page.goto(f"{live_server.url}/questions/")
        page.click(f"text={question[:20]}")
        page.fill("textarea[name=answer]", answer)
        page.once("dialog", lambda dlg: dlg.accept())
        page.click("form.answer-form button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
        assert "已答复" in page.locator("[data-status]").inner_text()
        errors += page.errors
        page.click("text=退出")
        page.wait_for_url("**/accounts/login/**")

        # the answer appears on the public page
        page.goto(url)
        qa = page.locator("#questions").inner_text()
        assert question in qa and answer in qa
        errors += page.errors
    assert errors == [], errors
    q = Question.objects.get()
    assert (q.status, q.answered_by, q.village_id) == ("answered", demo_live.township, DAXIE)
