"""In Chromium, per demo role: the workbench lists the role's item, the user opens it, completes it
where it is done, comes back to 工作台 and the item is gone."""

import datetime as dt

import pytest
from django.conf import settings

from sanwu.disclosure import services as disclosure
from sanwu.ledger import services as ledger
from sanwu.oversight import services as oversight
from tests.ledger.journal import parse
from tests.workbench.conftest import DRAFT, SUBMITTED, warn

from .conftest import browser_page, login, nav_click

pytestmark = pytest.mark.browser

MARCH = """
2025-03-05 收到光伏发电收入
  102   12000.50  -          bank
  501   -          12000.50  pv
"""


def open_book(city, user):
    village = user.role_assignments.get().region_id
    book = ledger.create_book(city.county, f"W{village}", village, "2023", name="工作台测试账套", start_date=dt.date(2025, 1, 1))
    ledger.set_opening_balances(None, book, {"101": 10_000_000, "301": -10_000_000})
    ledger.confirm_opening(None, book)
    return book


def section(page, key):
    return page.locator(f"[data-section={key}]")


def back_home(page):
    nav_click(page, "工作台")
    page.wait_for_load_state("domcontentloaded")


def test_accountant_submits_a_draft_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    ledger.save_draft(demo_live.accountant, book, parse(DRAFT)[0])
    with browser_page() as page:
        login(page, live_server.url, demo_live.accountant.username, settings.SANWU_DEMO_PASSWORD)
        drafts = section(page, "drafts")
        assert drafts.locator("[data-count]").inner_text() == "1"
        drafts.get_by_role("link", name="2026-11-05 收到光伏发电收入").click()
        page.wait_for_url("**/vouchers/*/")
        page.once("dialog", lambda d: d.accept())
        page.click("form[action$='/submit/'] button")
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("[data-status]").inner_text() == "已提交"
        back_home(page)
        assert section(page, "drafts").count() == 0
        errors = list(page.errors)
    assert errors == [], errors


def test_secretary_confirms_a_disclosure_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    ledger.post_drafts(demo_live.accountant, book, parse(MARCH))
    d = disclosure.prepare(demo_live.accountant, book, 2025, 3)
    with browser_page() as page:
        login(page, live_server.url, demo_live.secretary.username, settings.SANWU_DEMO_PASSWORD)
        confirm = section(page, "confirm")
        assert confirm.locator("[data-count]").inner_text() == "1"
        confirm.locator("a", has_text="2025年3月财务公开").click()
        page.wait_for_url(f"**/disclosures/{d.pk}/")
        page.once("dialog", lambda dlg: dlg.accept())
        page.click("form[action$='/confirm/'] button")
        page.wait_for_load_state("domcontentloaded")
        back_home(page)
        assert section(page, "confirm").count() == 0
        assert section(page, "publish").locator("a", has_text="2025年3月财务公开").count() == 1
        errors = list(page.errors)
    assert errors == [], errors


def test_township_reviews_a_voucher_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    v = ledger.submit(demo_live.accountant, ledger.save_draft(demo_live.accountant, book, parse(SUBMITTED)[0]))
    with browser_page() as page:
        login(page, live_server.url, demo_live.township.username, settings.SANWU_DEMO_PASSWORD)
        review = section(page, "review")
        assert review.locator("[data-count]").inner_text() == "1"
        review.get_by_role("link", name="2026-11-12 收到门面租金").click()
        page.wait_for_url(f"**/vouchers/{v.pk}/")
        page.once("dialog", lambda d: d.accept())
        page.click("form[action$='/review/'] button")
        page.wait_for_load_state("domcontentloaded")
        back_home(page)
        assert section(page, "review").count() == 0
        assert section(page, "post").get_by_role("link", name="2026-11-12 收到门面租金").count() == 1  # next: post it
        errors = list(page.errors)
    assert errors == [], errors


def test_county_accepts_an_escalated_warning_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    w = oversight.escalate(demo_live.township, warn(book), "金额较大，请县级核查")
    with browser_page() as page:
        login(page, live_server.url, demo_live.county.username, settings.SANWU_DEMO_PASSWORD)
        escalated = section(page, "escalated")
        assert escalated.locator("[data-count]").inner_text() == "1"
        escalated.get_by_role("link", name=w.message).click()
        page.wait_for_url(f"**/oversight/warnings/{w.pk}/")
        page.fill("form[action$='/accept/'] textarea[name=note]", "已核对合同，属正常支出")
        page.once("dialog", lambda d: d.accept())
        page.click("form[action$='/accept/'] button")
        page.wait_for_load_state("domcontentloaded")
        back_home(page)
        assert section(page, "escalated").count() == 0
        errors = list(page.errors)
    assert errors == [], errors


def test_auditor_verifies_a_book_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    ledger.post_drafts(demo_live.accountant, book, parse(MARCH))
    with browser_page() as page:
        login(page, live_server.url, demo_live.auditor.username, settings.SANWU_DEMO_PASSWORD)
        books = section(page, "verification")
        item = books.locator("li", has_text="工作台测试账套")
        assert "未校验" in item.inner_text()
        item.locator("a").click()
        page.wait_for_url(f"**/workbench/books/{book.code}/verify/")
        page.click("button:text('校验此账套')")
        page.wait_for_load_state("domcontentloaded")
        assert "校验通过" in page.locator(".messages").inner_text()
        back_home(page)
        assert section(page, "verification").locator("li", has_text="工作台测试账套").count() == 0
        errors = list(page.errors)
    assert errors == [], errors


def test_city_verifies_a_reported_task_from_the_workbench(demo_live, live_server):
    from sanwu.partywork import services as partywork

    task = partywork.assign_task(
        demo_live.city, title="全县村级集体经济发展情况调研", region_code="340828000000",
        deadline=partywork.today() + dt.timedelta(days=10), source_kind="meeting",
    )
    partywork.report(demo_live.county, task, "调研报告已形成，附各乡镇数据")
    with browser_page() as page:
        login(page, live_server.url, demo_live.city.username, settings.SANWU_DEMO_PASSWORD)
        verify = section(page, "verify")
        assert verify.locator("[data-count]").inner_text() == "1"
        verify.get_by_role("link", name="全县村级集体经济发展情况调研").click()
        page.wait_for_url(f"**/tasks/{task.pk}/")
        page.once("dialog", lambda d: d.accept())
        page.click("#verify-form button")
        page.wait_for_load_state("domcontentloaded")
        back_home(page)
        assert section(page, "verify").count() == 0
        errors = list(page.errors)
    assert errors == [], errors
