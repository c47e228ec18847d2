"""The grouped main menu in Chromium: 菜单 on a phone (no sideways scrolling), dropdowns in a row on a desktop."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .conftest import DESKTOP, browser_page, login

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 375, "height": 740}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_phone_menu_opens_a_group_and_follows_a_link(demo_live, live_server):
    with browser_page(SMALL_PHONE) as page:
        login(page, live_server.url, demo_live.county.username, settings.SANWU_DEMO_PASSWORD)
        assert page.evaluate(OVERFLOW) <= 0
        nav = page.locator("nav.nav")
        assert nav.get_attribute("aria-label") == "主导航"
        menu = nav.locator("details[data-nav-menu] > summary")
        assert menu.inner_text().strip() == "菜单"
        groups = nav.locator(".nav-groups")
        assert not groups.is_visible()
        menu.click()
        assert groups.is_visible()
        # Stacked full width, large tap targets.
        box = groups.bounding_box()
        assert box["x"] <= 0.5 and box["width"] >= SMALL_PHONE["width"] - 1
        targets = nav.locator(".nav-group > a, .nav-group summary")
        assert targets.count() == 6
        for i in range(targets.count()):
            b = targets.nth(i).bounding_box()
            assert b["height"] >= 44 and b["width"] >= SMALL_PHONE["width"] - 1
        assert page.evaluate(OVERFLOW) <= 0
        # Open 系统, then 账务监管: one group open at a time.
        system = nav.locator("details[data-nav-group]", has_text="系统")
        system.locator("summary").click()
        assert system.get_attribute("open") is not None
        ledger = nav.locator("details[data-nav-group]", has_text="账务监管")
        ledger.locator("summary").click()
        assert ledger.get_attribute("open") is not None
        expect(system).not_to_have_attribute("open", "")  # closed by site.js (toggle event)
        link = nav.get_by_role("link", name="监管看板", exact=True)
        assert link.bounding_box()["height"] >= 44
        assert page.evaluate(OVERFLOW) <= 0
        with page.expect_navigation():
            link.click()
        assert nav.locator("a[aria-current=page]").text_content() == "监管看板"
        assert not nav.locator(".nav-groups").is_visible()  # the menu is closed on the new page
        assert nav.locator(".nav-group.current summary").text_content() == "账务监管"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # Escape closes the menu again, from the keyboard.
        menu.focus()
        page.keyboard.press("Enter")
        assert nav.locator(".nav-groups").is_visible()
        page.keyboard.press("Escape")
        assert not nav.locator(".nav-groups").is_visible()
        errors = list(page.errors)
    assert errors == [], errors


def test_desktop_groups_in_one_row_with_dropdowns(demo_live, live_server):
    with browser_page(DESKTOP) as page:
        login(page, live_server.url, demo_live.accountant.username, settings.SANWU_DEMO_PASSWORD)
        nav = page.locator("nav.nav")
        assert not nav.locator("details[data-nav-menu] > summary").is_visible()
        tops = [nav.locator(".nav-groups > li").nth(i).bounding_box()["y"] for i in range(5)]
        assert nav.locator(".nav-groups > li").count() == 5  # no 党建 for a village accountant
        assert max(tops) - min(tops) < 2
        assert nav.locator(".nav-group.current > a[aria-current=page]").text_content() == "工作台"
        books = nav.get_by_role("link", name="账簿", exact=True)
        assert not books.is_visible()
        # Keyboard: tab to 账务监管 and open it.
        summary = nav.locator("summary", has_text="账务监管")
        summary.focus()
        page.keyboard.press("Enter")
        assert books.is_visible()
        # Opening another group closes this one; a click elsewhere closes all.
        nav.locator("summary", has_text="系统").click()
        expect(nav.locator("details[data-nav-group][open]")).to_have_count(1)  # 账务监管 closed by site.js
        assert nav.get_by_role("link", name="行政区划", exact=True).is_visible()
        page.locator("main h1").click()
        assert not nav.get_by_role("link", name="行政区划", exact=True).is_visible()
        summary.click()
        with page.expect_navigation():
            books.click()
        assert nav.locator(".nav-group.current summary").text_content() == "账务监管"
        assert page.evaluate(OVERFLOW) <= 0
        errors = list(page.errors)
    assert errors == [], errors
