"""Done when (issue 4): a village accountant makes a cash voucher over the limit and the township
posts it; within 5 s the township supervisor's open feed shows it flagged, without a reload; the
accountant explains the warning and the supervisor accepts it; the county dashboard's counts
change. Three people in three browser contexts, at the same time."""

import datetime as dt
import time

import pytest

from tests.ledger.conftest import OPENING_CASH
from django.conf import settings

from sanwu.ledger import services
from sanwu.ledger.models import Voucher
from sanwu.oversight.models import Warning

from .conftest import DESKTOP, PHONE, browser_page, login

pytestmark = pytest.mark.browser


def open_book(demo):
    village = demo.accountant.role_assignments.get().region_id
    book = services.create_book(None, f"OV{village}", village, "2023", name="大歇村监管测试账套", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(None, book, {"101": OPENING_CASH, "301": -OPENING_CASH})  # cash on hand to pay from
    services.confirm_opening(None, book)
    return book


def watch(page):
    page.errors = []
    page.on("console", lambda msg: page.errors.append(f"{msg.text} {msg.location}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.set_default_timeout(15000)
    return page


def another(page, viewport=DESKTOP):
    """A second person: a fresh browser context (own cookies) in the same browser."""
    return watch(page.context.browser.new_context(viewport=viewport, locale="zh-CN").new_page())


def stat(page, name: str) -> int:
    return int(page.locator(f'[data-stat="{name}"] .n').inner_text())


def test_a_cash_payment_over_the_limit_is_flagged_live_explained_and_accepted(demo_live, live_server):
    book = open_book(demo_live)
    password = settings.SANWU_DEMO_PASSWORD
    base = live_server.url
    with browser_page() as feed:
        # The township supervisor opens the live feed and keeps it open.
        login(feed, base, demo_live.township.username, password)
        feed.goto(f"{base}/oversight/feed/")
        assert "还没有符合条件的已记账凭证" in feed.locator("#feed").inner_text()
        feed.evaluate("window.__sameDocument = true")

        # The county supervisor's dashboard, before.
        county = another(feed)
        login(county, base, demo_live.county.username, password)
        county.goto(f"{base}/oversight/dashboard/")
        before = {s: stat(county, s) for s in ("open", "explained", "accepted")}

        # The accountant makes a cash voucher of 1,500元 (the limit is 1,000元) and submits it.
        acc = another(feed)
        login(acc, base, demo_live.accountant.username, password)
        acc.goto(f"{base}/books/{book.code}/vouchers/new/")
        acc.fill("input[name=date]", "2025-03-05")
        acc.fill("input[name=summary]", "支付临时用工工资")
        rows = acc.locator("tr[data-entry]")
        rows.nth(0).locator("select[name=account]").select_option(label="513 管理费用")
        rows.nth(0).locator("select[name=settlement]").select_option(label="现金")
        rows.nth(0).locator("input[name=debit]").fill("1500")
        rows.nth(1).locator("select[name=account]").select_option(label="101 库存现金")
        rows.nth(1).locator("select[name=settlement]").select_option(label="现金")
        rows.nth(1).locator("input[name=credit]").fill("1500")
        acc.click("button[value=save]")
        acc.wait_for_url("**/vouchers/*/")
        voucher_url = acc.url
        acc.once("dialog", lambda d: d.accept())
        acc.click("form[action$='/submit/'] button")
        acc.wait_for_load_state("domcontentloaded")
        assert acc.locator("[data-status]").inner_text() == "已提交"

        # The township reviews and posts it in another tab; the feed tab stays as it is.
        desk = watch(feed.context.new_page())
        desk.goto(voucher_url)
        desk.once("dialog", lambda d: d.accept())
        desk.click("form[action$='/review-post/'] button")
        desk.wait_for_load_state("domcontentloaded")
        assert "凭证已审核并记账" in desk.locator(".messages").inner_text()
        desk.goto(voucher_url)  # after posting the reviewer is taken on to the next voucher waiting, if any
        assert desk.locator("[data-status]").inner_text() == "已记账"
        posted = time.monotonic()

        row = feed.locator("tr.flagged", has_text="支付临时用工工资")
        row.wait_for(state="visible", timeout=5000)
        assert time.monotonic() - posted <= 5.0
        assert feed.evaluate("window.__sameDocument === true")  # no reload
        assert row.get_attribute("data-severity") == "medium"
        assert "现金支付超限额" in row.inner_text() and "1,500.00" in row.inner_text()
        assert row.locator("a", has_text="支付临时用工工资").get_attribute("href").endswith(voucher_url.removeprefix(base))

        # The accountant explains the warning.
        acc.goto(f"{base}/oversight/warnings/?rule=cash_over_limit")
        acc.click("text=现金支付 1,500.00元")
        assert acc.locator("[data-status]").inner_text() == "待说明"
        acc.fill("textarea[name=text]", "临时用工工资，务工人员没有银行卡，已补签领单。")
        acc.once("dialog", lambda d: d.accept())
        acc.click("form[action$='/explain/'] button")
        acc.wait_for_load_state("domcontentloaded")
        assert acc.locator("[data-status]").inner_text() == "已说明"
        warning_url = acc.url

        # The township supervisor opens it from the flag in the feed and accepts it.
        feed.click("tr.flagged a.flag[data-flag=cash_over_limit]")
        feed.wait_for_url(warning_url)
        assert "务工人员没有银行卡" in feed.locator("[data-explanation]").inner_text()
        feed.fill("form[action$='/accept/'] textarea[name=note]", "已核对签领单。")
        feed.once("dialog", lambda d: d.accept())
        feed.click("form[action$='/accept/'] button")
        feed.wait_for_load_state("domcontentloaded")
        assert feed.locator("[data-status]").inner_text() == "已认可"
        assert "认可——已核对签领单。" in feed.locator(".timeline").inner_text()

        # The county dashboard's counts have changed.
        county.reload()
        after = {s: stat(county, s) for s in ("open", "explained", "accepted")}
        county.locator("[data-chart=trend] canvas").wait_for(state="attached")
        errors = feed.errors + county.errors + acc.errors + desk.errors
    assert before == {"open": 0, "explained": 0, "accepted": 0}
    assert after == {"open": 1, "explained": 0, "accepted": 1}  # the missing receipt is still open
    assert errors == [], errors
    v = Voucher.objects.get(book=book)
    w = Warning.objects.get(voucher=v, rule="cash_over_limit")
    assert (w.status, w.explained_by, w.handled_by) == ("accepted", demo_live.accountant, demo_live.township)
    assert [e.to_status for e in w.events.all()] == ["explained", "accepted"]


def test_the_feed_and_dashboard_fit_a_phone(demo_live, live_server):
    book = open_book(demo_live)
    from tests.ledger.conftest import post_journal

    post_journal(None, book, "2025-03-05 支付临时用工工资\n  513  1500.00  -  cash  张*明\n  101  -  1500.00  cash\n")
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.township.username, settings.SANWU_DEMO_PASSWORD)
        for path in ("/oversight/feed/", "/oversight/dashboard/", "/oversight/warnings/"):
            page.goto(f"{live_server.url}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, path
        errors = list(page.errors)
    assert errors == [], errors
