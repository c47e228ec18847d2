"""In Chromium: the county extends a late task and reassigns it from the task page, each after the
browser's confirmation dialog (dismissing it changes nothing); the history shows old → new with
the reason; the owner township sees neither button. No console errors (CSP)."""

import datetime as dt

import pytest
from django.conf import settings

from sanwu.partywork import services
from sanwu.partywork.models import Task, TaskEvent

from ..browser.conftest import PHONE, browser_page, login

pytestmark = pytest.mark.browser

YUEXI, TOWN_1 = "340828000000", "340828100000"


def test_extend_and_reassign_from_the_task_page(demo_live, live_server):
    county_org = services.create_org(None, name="中共岳西县委员会", kind="committee", region_code=YUEXI)
    town_org = services.create_org(None, name="中共主簿镇委员会", kind="committee", region_code=TOWN_1, parent_id=county_org.pk)
    today = services.today()
    task = services.assign_task(demo_live.county, title="发展党员工作", region_code=TOWN_1, deadline=today - dt.timedelta(days=2),
                                source_kind="document", owner_org_ids=[town_org.pk], assigned_on=today - dt.timedelta(days=20))
    old, new = task.deadline, today + dt.timedelta(days=25)
    base, password = live_server.url, settings.SANWU_DEMO_PASSWORD
    with browser_page() as page:
        login(page, base, demo_live.township.username, password)
        page.goto(f"{base}/tasks/{task.pk}/")
        town_sees = (page.locator("#extend-form").count(), page.locator("#reassign-form").count())
        page.click("header >> text=退出")
        page.wait_for_url("**/accounts/login/**")

        login(page, base, demo_live.county.username, password)
        page.goto(f"{base}/tasks/overdue/")
        late_before = page.locator(f"a[href='/tasks/{task.pk}/']").count()
        page.goto(f"{base}/tasks/{task.pk}/")
        page.fill("#extend-form input[name=deadline]", new.isoformat())
        page.fill("#extend-form textarea[name=reason]", "受汛期影响，现场工作推迟")
        # Dismissing the confirmation sends nothing.
        page.once("dialog", lambda d: d.dismiss())
        page.click("#extend-form button[type=submit]")
        page.wait_for_timeout(300)
        dismissed_url = page.url
        page.once("dialog", lambda d: d.accept())
        with page.expect_navigation():
            page.click("#extend-form button[type=submit]")
        extended = page.locator("#history tr[data-action=extend]").inner_text()
        page.check(f"#reassign-form input[name=owner_users][value='{demo_live.township.pk}']")
        page.fill("#reassign-form textarea[name=reason]", "明确组织委员为责任人")
        page.once("dialog", lambda d: d.accept())
        with page.expect_navigation():
            page.click("#reassign-form button[type=submit]")
        reassigned = page.locator("#history tr[data-action=reassign]").inner_text()
        page.goto(f"{base}/tasks/overdue/")
        late_after = page.locator(f"a[href='/tasks/{task.pk}/']").count()
        errors = list(page.errors)
    assert town_sees == (0, 0)
    assert dismissed_url.endswith(f"/tasks/{task.pk}/")
    assert f"完成时限 {old:%Y-%m-%d} → {new:%Y-%m-%d}" in extended and "原因：受汛期影响，现场工作推迟" in extended and "岳西县监管员" in extended
    assert "责任单位 中共主簿镇委员会 → 中共主簿镇委员会、主簿镇农经站" in reassigned and "明确组织委员为责任人" in reassigned
    assert (late_before, late_after) == (1, 0)
    assert errors == [], errors
    assert Task.objects.get(pk=task.pk).deadline == new
    assert TaskEvent.objects.filter(task=task, action="extend").count() == 1


def test_the_assigners_task_page_with_both_forms_fits_a_phone(demo_live, live_server):
    county_org = services.create_org(None, name="中共岳西县委员会", kind="committee", region_code=YUEXI)
    services.create_org(None, name="中共主簿镇委员会", kind="committee", region_code=TOWN_1, parent_id=county_org.pk)
    task = services.assign_task(demo_live.county, title="年度组织生活会和民主评议党员", region_code=TOWN_1,
                                deadline=services.today() + dt.timedelta(days=10), source_kind="document")
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.county.username, settings.SANWU_DEMO_PASSWORD)
        page.goto(f"{live_server.url}/tasks/{task.pk}/")
        forms = (page.locator("#extend-form").is_visible(), page.locator("#reassign-form").is_visible())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap') && !el.closest('.pw-tabs'))
                .map(el => el.tagName + '.' + el.className)"""
        )
        errors = list(page.errors)
    assert forms == (True, True)
    assert overflow <= 0 and wide == [], wide
    assert errors == [], errors
