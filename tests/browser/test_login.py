"""Each role logs in on the live server in Chromium and sees their home page."""

import pytest
from django.conf import settings

from .conftest import PHONE, browser_page, login, nav_click

pytestmark = pytest.mark.browser

ROLE_HOMES = [
    # persona, what the home page must show
    ("city", "安庆市", "市级管理员"),
    ("county", "岳西县", "县级监管"),
    ("township", "主簿镇", "乡镇监管"),
    ("accountant", "大歇村", "村会计（报账员）"),
    ("secretary", "大歇村", "村党组织书记"),
    ("auditor", "岳西县", "审计（只读）"),
    ("other_accountant", "关河村", "村会计（报账员）"),
]


@pytest.mark.parametrize("persona,place,role_label", ROLE_HOMES)
def test_role_logs_in_and_sees_home(demo_live, live_server, persona, place, role_label):
    user = getattr(demo_live, persona)
    with browser_page() as page:
        login(page, live_server.url, user.username, settings.SANWU_DEMO_PASSWORD)
        assert page.url.rstrip("/") == live_server.url
        assert page.locator("h1").inner_text() == "工作台"  # the home page is the workbench
        assert role_label in page.locator("main").inner_text()
        page.goto(f"{live_server.url}/overview/")
        assert page.locator("h1").inner_text().startswith(place)
        assert page.locator(".demo-banner").inner_text().startswith("示例数据")
        nav = page.locator("nav.nav").text_content()  # closed groups included
        assert ("审计记录" in nav) == (persona in ("city", "county", "auditor"))
        errors = list(page.errors)
    assert errors == [], errors


def test_wrong_password_is_refused(demo_live, live_server):
    with browser_page() as page:
        login(page, live_server.url, demo_live.township.username, "wrong-password")
        assert "/accounts/login/" in page.url
        assert "用户名或密码不正确" in page.locator("main").inner_text()


def test_phone_width_home_and_region_picker(demo_live, live_server):
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.county.username, settings.SANWU_DEMO_PASSWORD)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        page.goto(f"{live_server.url}/overview/")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        # The picker switches the current region without a submit button (site.js, no inline JS).
        with page.expect_navigation():
            page.select_option("select[name=region]", label="五河镇")
        assert page.locator("h1").inner_text().startswith("五河镇")
        nav_click(page, "行政区划")
        assert "五河镇" in page.locator("h1").inner_text()
        assert page.locator("table.table tbody tr").count() == 3
        errors = list(page.errors)
    assert errors == [], errors
