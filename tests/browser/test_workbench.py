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


def confirmed_click(page, selector):
    """Click a button whose form asks for confirmation (data-confirm), and accept."""
    page.once("dialog", lambda d: d.accept())
    page.click(selector)
    page.wait_for_load_state("domcontentloaded")


def from_the_workbench(page, base_url, user, key, link_text, url_glob, complete) -> None:
    """Log in, find the one item of section `key`, open it, `complete(page)` it there, and come
    back to 工作台 by the menu. No console errors on the way."""
    login(page, base_url, user.username, settings.SANWU_DEMO_PASSWORD)
    items = section(page, key)
    assert items.locator("[data-count]").inner_text() == "1"
    items.locator("a", has_text=link_text).click()
    page.wait_for_url(url_glob)
    complete(page)
    nav_click(page, "工作台")
    page.wait_for_load_state("domcontentloaded")
    assert page.errors == [], page.errors


def test_accountant_submits_a_draft_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    ledger.save_draft(demo_live.accountant, book, parse(DRAFT)[0])

    def submit(page):
        confirmed_click(page, "form[action$='/submit/'] button")
        assert page.locator("[data-status]").inner_text() == "已提交"

    with browser_page() as page:
        from_the_workbench(page, live_server.url, demo_live.accountant, "drafts", "2026-11-05 收到光伏发电收入", "**/vouchers/*/", submit)
        assert section(page, "drafts").count() == 0


def test_secretary_confirms_a_disclosure_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    ledger.post_drafts(demo_live.accountant, book, parse(MARCH))
    d = disclosure.prepare(demo_live.accountant, book, 2025, 3)
    with browser_page() as page:
        from_the_workbench(
            page, live_server.url, demo_live.secretary, "confirm", "2025年3月财务公开", f"**/disclosures/{d.pk}/",
            lambda page: confirmed_click(page, "form[action$='/confirm/'] button"),
        )
        assert section(page, "confirm").count() == 0
        assert section(page, "publish").locator("a", has_text="2025年3月财务公开").count() == 1  # next: publish it


def test_township_reviews_a_voucher_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    v = ledger.submit(demo_live.accountant, ledger.save_draft(demo_live.accountant, book, parse(SUBMITTED)[0]))
    with browser_page() as page:
        from_the_workbench(
            page, live_server.url, demo_live.township, "review", "2026-11-12 收到门面租金", f"**/vouchers/{v.pk}/",
            lambda page: confirmed_click(page, "form[action$='/review/'] button"),
        )
        assert section(page, "review").count() == 0
        assert section(page, "post").locator("a", has_text="2026-11-12 收到门面租金").count() == 1  # next: post it


def test_county_accepts_an_escalated_warning_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    w = oversight.escalate(demo_live.township, warn(book), "金额较大，请县级核查")

    def accept(page):
        page.fill("form[action$='/accept/'] textarea[name=note]", "已核对合同，属正常支出")
        confirmed_click(page, "form[action$='/accept/'] button")

    with browser_page() as page:
        from_the_workbench(page, live_server.url, demo_live.county, "escalated", w.message, f"**/oversight/warnings/{w.pk}/", accept)
        assert section(page, "escalated").count() == 0


def test_auditor_verifies_a_book_from_the_workbench(demo_live, live_server):
    book = open_book(demo_live, demo_live.accountant)
    ledger.post_drafts(demo_live.accountant, book, parse(MARCH))

    def verify(page):
        assert page.locator("[data-state]").inner_text() == "未校验"
        page.click("button:text('校验此账套')")
        page.wait_for_load_state("domcontentloaded")
        assert "校验通过" in page.locator(".messages").inner_text()

    with browser_page() as page:
        from_the_workbench(
            page, live_server.url, demo_live.auditor, "verification", "工作台测试账套", f"**/workbench/books/{book.code}/verify/", verify,
        )
        assert section(page, "verification").count() == 0


def test_city_verifies_a_reported_task_from_the_workbench(demo_live, live_server):
    from sanwu.partywork import services as partywork

    task = partywork.assign_task(
        demo_live.city, title="全县村级集体经济发展情况调研", region_code="340828000000",
        deadline=partywork.today() + dt.timedelta(days=10), source_kind="meeting",
    )
    partywork.report(demo_live.county, task, "调研报告已形成，附各乡镇数据")
    with browser_page() as page:
        from_the_workbench(
            page, live_server.url, demo_live.city, "verify", "全县村级集体经济发展情况调研", f"**/tasks/{task.pk}/",
            lambda page: confirmed_click(page, "#verify-form button"),
        )
        assert section(page, "verify").count() == 0
