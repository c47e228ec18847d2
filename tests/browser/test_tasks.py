"""In Chromium: one key task through the closed loop across two users — the county assigns it to
主簿镇, the township reports with a photo, the county sends it back, the township reports again,
the county verifies and closes it — and the history shows each step with who and when. Then the
task page and the quarterly list at phone width."""

import datetime as dt
import re

import pytest
from django.conf import settings

from sanwu.partywork import services
from sanwu.partywork.models import Task, TaskEvent

from .conftest import PHONE, browser_page, login

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64
TOWN_1 = "340828100000"


def logout(page):
    page.click("header >> text=退出")
    page.wait_for_url("**/accounts/login/**")


def submit(page, form_id: str):
    """Submit a form that asks for confirmation (data-confirm) and wait for the next page."""
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.click(f"#{form_id} button[type=submit]")


def test_a_task_goes_round_the_closed_loop_between_county_and_township(demo_live, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county_org = services.create_org(None, name="中共岳西县委员会", kind="committee", region_code="340828000000")
    services.create_org(None, name="中共主簿镇委员会", kind="committee", region_code=TOWN_1, parent_id=county_org.pk)
    photo = tmp_path / "会议照片.png"
    photo.write_bytes(PNG)
    deadline = services.today() + dt.timedelta(days=30)
    password = settings.SANWU_DEMO_PASSWORD
    base = live_server.url
    with browser_page() as page:
        # The county organisation department assigns the task.
        login(page, base, demo_live.county.username, password)
        page.goto(f"{base}/tasks/mine/")
        page.click("text=交办任务")
        page.fill("input[name=title]", "软弱涣散村党组织整顿")
        page.select_option("select[name=region]", label="主簿镇")
        page.wait_for_selector("#owner-fields >> text=中共主簿镇委员会")
        page.check("#owner-fields >> text=中共主簿镇委员会")
        page.fill("input[name=deadline]", deadline.isoformat())
        page.select_option("select[name=source_kind]", label="软弱涣散整顿")
        page.fill("input[name=source_ref]", "岳组〔2025〕5号")
        with page.expect_navigation():
            page.click("#task-form button[type=submit]")
        task_url = page.url
        assert re.search(r"/tasks/\d+/$", task_url)
        assert page.locator("[data-status]").first.inner_text() == "已交办"
        errors = list(page.errors)
        logout(page)

        # The township reports, with a photo.
        login(page, base, demo_live.township.username, password)
        page.goto(f"{base}/tasks/mine/")
        page.click("text=软弱涣散村党组织整顿")
        assert page.url == task_url
        assert page.locator("#verify-form").count() == 0
        page.fill("#report-form textarea[name=text]", "已制定整顿方案，落实“四个一”举措。")
        page.set_input_files("#report-form input[type=file]", str(photo))
        submit(page, "report-form")
        assert page.locator("[data-status]").first.inner_text() == "已汇报待核验"
        assert "会议照片.png" in page.locator("text=会议照片.png").first.inner_text()
        errors += page.errors
        logout(page)

        # The county sends it back with a reason.
        login(page, base, demo_live.county.username, password)
        page.goto(f"{base}/tasks/awaiting/")
        page.click("text=软弱涣散村党组织整顿")
        page.fill("#return-form textarea[name=reason]", "缺少整顿会议记录")
        submit(page, "return-form")
        assert page.locator("[data-status]").first.inner_text() == "已退回"
        assert "已退回：缺少整顿会议记录" in page.content()
        errors += page.errors
        logout(page)

        # The township reports again.
        login(page, base, demo_live.township.username, password)
        page.goto(task_url)
        assert "已退回：缺少整顿会议记录" in page.content()
        page.fill("#report-form textarea[name=text]", "已补充整顿会议记录。")
        submit(page, "report-form")
        assert page.locator("[data-status]").first.inner_text() == "已汇报待核验"
        errors += page.errors
        logout(page)

        # The county verifies and closes it.
        login(page, base, demo_live.county.username, password)
        page.goto(task_url)
        assert page.locator("#verify-form input[name=close]").is_checked()
        page.fill("#verify-form input[name=note]", "材料齐全")
        submit(page, "verify-form")
        assert page.locator("[data-status]").first.inner_text() == "已销号"
        assert "已核验并销号" in page.locator(".messages").inner_text()
        rows = page.locator("#history tbody tr")
        history = [
            (rows.nth(i).get_attribute("data-action"), rows.nth(i).locator("td").nth(2).inner_text(), rows.nth(i).locator("td").nth(0).inner_text())
            for i in range(rows.count())
        ]
        steps = [(action, who) for action, who, _ in history]
        transitions = [rows.nth(i).locator("td").nth(3).inner_text() for i in range(rows.count())]
        errors += page.errors
    assert errors == [], errors
    assert steps == [
        ("assign", "岳西县监管员"),
        ("report", "主簿镇农经站"),
        ("return", "岳西县监管员"),
        ("report", "主簿镇农经站"),
        ("verify", "岳西县监管员"),
        ("close", "岳西县监管员"),
    ]
    assert transitions == ["— → 已交办", "已交办 → 已汇报待核验", "已汇报待核验 → 已退回", "已退回 → 已汇报待核验", "已汇报待核验 → 已核验", "已核验 → 已销号"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", when) for _, _, when in history)
    task = Task.objects.get(title="软弱涣散村党组织整顿")
    assert (task.status, task.assigner, task.return_count, task.source_kind) == ("closed", demo_live.county, 1, "rectification")
    assert [o.org.name for o in task.owners.all()] == ["中共主簿镇委员会"]
    assert list(TaskEvent.objects.filter(task=task).order_by("at", "id").values_list("actor__username", flat=True)) == [
        "county_yuexi", "township_1", "county_yuexi", "township_1", "county_yuexi", "county_yuexi",
    ]
    assert task.reports.first().evidence.get().filename == "会议照片.png"


def test_task_page_and_quarterly_list_fit_a_phone(demo_live, live_server):
    task = services.assign_task(demo_live.county, title="年度组织生活会和民主评议党员", region_code=TOWN_1,
                                deadline=services.today() + dt.timedelta(days=10), source_kind="document")
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.township.username, settings.SANWU_DEMO_PASSWORD)
        overflow = {}
        for path in (f"/tasks/{task.pk}/", "/tasks/quarterly/", "/tasks/mine/"):
            page.goto(f"{live_server.url}{path}")
            overflow[path] = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            wide = page.evaluate(
                """() => [...document.querySelectorAll('main *')]
                    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap') && !el.closest('.pw-tabs'))
                    .map(el => el.tagName + '.' + el.className)"""
            )
            assert wide == [], (path, wide)
        assert page.locator("text=年度组织生活会和民主评议党员").first.is_visible()
        errors = list(page.errors)
    assert all(v <= 0 for v in overflow.values()), overflow
    assert errors == [], errors
