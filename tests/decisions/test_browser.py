"""In Chromium at phone width: the village secretary opens a matter from the list, records the
Party members' meeting while the page shows which thresholds the typed head counts meet, confirms,
and sees the third step done on the progress track. No console errors (CSP), no sideways scroll."""

import pytest
from django.conf import settings

from sanwu.decisions import services
from sanwu.decisions.models import StageRecord

from ..browser.conftest import PHONE, browser_page, login
from .conftest import advance, village_of

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_secretary_records_the_members_meeting_on_a_phone(demo_live, live_server):
    demo = demo_live
    m = services.create_matter(demo.secretary, village_of(demo.secretary), "村组道路硬化工程", "tendering", purpose="expenditure", amount=38_600_000, year=2025)
    advance(demo.secretary, m, "committees")
    with browser_page(PHONE) as page:
        page.on("dialog", lambda d: d.accept())
        login(page, live_server.url, demo.secretary.username, settings.SANWU_DEMO_PASSWORD)
        page.goto(f"{live_server.url}/decisions/")
        assert fits(page)
        page.click("text=村组道路硬化工程")
        page.wait_for_url(f"**/decisions/{m.pk}/**")
        page.wait_for_selector(".track .step-done")
        assert page.locator(".track .step-done").count() == 2
        assert fits(page)
        page.click("#stage-members_meeting >> text=记录此环节")
        page.fill("input[name=date]", "2025-03-20")
        page.fill("input[name=entitled]", "30")
        page.fill("input[name=present]", "19")
        page.fill("input[name=votes_for]", "16")
        quorum = page.locator('li[data-part="present"]')
        majority = page.locator('li[data-part="for"]')
        assert "bad" in quorum.get_attribute("class") and "ok" in majority.get_attribute("class")
        page.fill("input[name=present]", "20")
        assert "ok" in quorum.get_attribute("class")
        page.fill("input[name=votes_for]", "15")
        assert "bad" in majority.get_attribute("class")
        page.fill("input[name=votes_for]", "16")
        page.fill("textarea[name=text]", "党员大会审议同意。")
        assert fits(page)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"**/decisions/{m.pk}/**")
        assert page.locator(".track .step-done").count() == 3
        assert "实到党员 20 人，须达到应到 30 人的三分之二（含）" in page.locator("#stage-members_meeting").inner_text()
        errors = list(page.errors)
    assert errors == []
    rec = StageRecord.objects.get(matter=m, stage="members_meeting")
    assert (rec.entitled, rec.present, rec.votes_for, rec.recorded_by_id) == (30, 20, 16, demo.secretary.pk)
