"""The pages in Chromium on the live server: no console errors (a CSP violation would be one),
usable at phone width, and the acceptance check confirmed in the browser's dialog delists."""

import pytest
from django.conf import settings

from sanwu.assessment import demo as assessment_demo
from sanwu.assessment.models import Assessment, DifficultVillage, Rectification

from ..browser.conftest import PHONE, browser_page, login

pytestmark = pytest.mark.browser


def _pages(base: str) -> list[str]:
    a = Assessment.objects.filter(year=2021).first()
    entry = DifficultVillage.objects.first()
    case = Rectification.objects.first()
    return [
        f"{base}/assessment/", f"{base}/assessment/rounds/", f"{base}/assessment/difficult-villages/",
        f"{base}/assessment/difficult-villages/{entry.pk}/", f"{base}/assessment/rectification/",
        f"{base}/assessment/rectification/screening/?year=2021", f"{base}/assessment/rectification/{case.pk}/",
        f"{base}/assessment/annual/", f"{base}/assessment/annual/{a.pk}/", f"{base}/assessment/annual/{a.pk}/scores/",
        f"{base}/assessment/annual/consequences/", f"{base}/assessment/settings/",
    ]


def test_pages_have_no_console_errors_and_fit_a_phone(demo_live, live_server):
    assessment_demo.load_demo(2021)
    pages = _pages(live_server.url)
    for viewport in (None, PHONE):
        with browser_page(viewport) as page:
            login(page, live_server.url, demo_live.county.username, settings.SANWU_DEMO_PASSWORD)
            for url in pages:
                page.goto(url)
                assert page.locator("h1").count() == 1, url
                if viewport is PHONE:
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 1, (url, overflow)
            errors = list(page.errors)
        assert errors == [], errors


def test_acceptance_confirmed_in_the_dialog_delists(demo_live, live_server):
    assessment_demo.load_demo(2021)
    case = Rectification.objects.filter(status="listed").first()
    url = f"{live_server.url}/assessment/rectification/{case.pk}/"
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.county.username, settings.SANWU_DEMO_PASSWORD)
        page.goto(url)
        form = page.locator("form[data-confirm]")
        form.locator("input[name=date]").fill("2021-12-28")
        form.locator("select[name=passed]").select_option("yes")
        form.locator("input[name=checked_by]").fill("县委组织部验收组")
        form.locator("textarea[name=result]").fill("整改到位，同意销号。")
        page.once("dialog", lambda d: d.dismiss())  # first: change of mind, nothing happens
        form.locator("button[type=submit]").click()
        page.wait_for_timeout(300)
        page.once("dialog", lambda d: d.accept())
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=验收通过，已销号。")
        errors = list(page.errors)
    assert errors == [], errors
    case.refresh_from_db()
    assert case.status == "delisted" and str(case.delisted_on) == "2021-12-28"
