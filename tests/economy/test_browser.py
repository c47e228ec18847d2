"""In Chromium: the county's overview draws its charts (ECharts from our static file, data from
json_script; no CSP violation), the trends and the village table; the village page at phone width."""

import pytest
from django.conf import settings

from tests.browser.conftest import PHONE, browser_page, login

from .conftest import YUEXI, build_books

pytestmark = pytest.mark.browser


def test_county_overview_charts_and_drill_down(demo_live, live_server):
    build_books(demo_live)
    password = settings.SANWU_DEMO_PASSWORD
    with browser_page() as page:
        login(page, live_server.url, demo_live.county.username, password)
        page.goto(f"{live_server.url}/economy/?region={YUEXI}&year=2025")
        page.wait_for_selector('.eco-chart[data-chart="eco-tiers"][data-ready="1"] canvas')
        for chart in ("eco-classes", "eco-distribution", "eco-children", "eco-children-average"):
            assert page.locator(f'.eco-chart[data-chart="{chart}"][data-ready="1"] canvas').count() == 1, chart
        assert "41.17" in page.locator(".eco-cards").inner_text()
        page.click("text=各村排名")
        page.wait_for_selector("table.eco-villages")
        assert page.locator("table.eco-villages tbody tr").count() == 6
        page.select_option("select[name=class]", "strong")
        page.click("button:has-text('查看')")
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("table.eco-villages tbody tr").count() == 2
        page.locator("table.eco-villages tbody tr").first.locator("a[href^='/books/']").click()
        page.wait_for_load_state("domcontentloaded")
        assert "/books/E28101202/" in page.url
        page.goto(f"{live_server.url}/economy/trends/?region={YUEXI}")
        page.wait_for_selector('.eco-chart[data-chart="eco-shares"][data-ready="1"] canvas')
        page.goto(f"{live_server.url}/economy/brief/?region={YUEXI}&year=2025")
        assert "村均经营性收入41.17万元" in page.locator(".eco-brief-text").inner_text()
        assert page.errors == []


def test_village_page_at_phone_width(demo_live, live_server):
    build_books(demo_live)
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.accountant.username, settings.SANWU_DEMO_PASSWORD)
        page.goto(f"{live_server.url}/economy/?year=2025")
        page.wait_for_selector('.eco-chart[data-chart="eco-history"][data-ready="1"] canvas')
        assert "大歇村" in page.locator("h1").inner_text() or "大歇村" in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1  # nothing wider than the phone
        assert page.errors == []
