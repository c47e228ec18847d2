"""In Chromium: the accountant fills in a voucher (live totals and 大写), saves and submits it; the
township supervisor reviews and posts it; the voucher gets 记-0001. And the form at phone width."""

import datetime as dt

import pytest
from django.conf import settings

from sanwu.ledger import services
from sanwu.ledger.models import Voucher

from .conftest import PHONE, browser_page, login, nav_click

pytestmark = pytest.mark.browser


def open_book(demo):
    """A fresh 2023-chart book for the accountant's village (its own code and name, so that it
    stands apart from any book the demo city brings)."""
    village = demo.accountant.role_assignments.get().region_id
    book = services.create_book(demo.county, f"T{village}", village, "2023", name="大歇村新账套", start_date=dt.date(2025, 1, 1))
    services.confirm_opening(demo.accountant, book)
    return book


def test_accountant_makes_and_township_posts_a_voucher(demo_live, live_server):
    book = open_book(demo_live)
    password = settings.SANWU_DEMO_PASSWORD
    with browser_page() as page:
        login(page, live_server.url, demo_live.accountant.username, password)
        nav_click(page, "账簿")
        page.click(f"text={book.name}")
        page.click("text=填制凭证")
        assert page.locator(".paper-title").inner_text().replace(" ", "") == "记账凭证"
        page.fill("input[name=date]", "2025-03-05")
        page.fill("input[name=summary]", "收到光伏发电收入")
        rows = page.locator("tr[data-entry]")
        first, second = rows.nth(0), rows.nth(1)
        first.locator("select[name=account]").select_option(label="102 银行存款")
        first.locator("select[name=settlement]").select_option(label="银行")
        first.locator("input[name=debit]").fill("1200.5")
        assert page.locator("[data-debit-total]").inner_text() == "1,200.50"
        assert page.locator("[data-credit-total]").inner_text() == "0.00"
        assert page.locator("[data-capital]").inner_text() == "壹仟贰佰元伍角整"
        assert "借贷不平" in page.locator("[data-balance-state]").inner_text()
        assert first.locator("select[name=source]").is_hidden()  # not an income account
        second.locator("select[name=account]").select_option(label="501 经营收入")
        assert second.locator("select[name=source]").is_visible()
        second.locator("select[name=source]").select_option(label="光伏")
        second.locator("input[name=counterparty]").fill("县供电公司")
        second.locator("input[name=credit]").fill("1,200.49")
        assert "差额 0.01 元" in page.locator("[data-balance-state]").inner_text()
        second.locator("input[name=credit]").fill("1200.50")
        assert page.locator("[data-credit-total]").inner_text() == "1,200.50"
        assert page.locator("[data-balance-state]").inner_text() == "借贷平衡"
        # a third line added and removed again
        page.click("[data-add-row]")
        assert rows.count() == 5
        rows.nth(4).locator("[data-remove-row]").click()
        assert rows.count() == 4
        page.click("button[value=save]")
        page.wait_for_url("**/vouchers/*/")
        voucher_url = page.url
        assert page.locator("[data-status]").inner_text() == "草稿"
        assert page.locator("[data-capital]").inner_text() == "壹仟贰佰元伍角整"
        page.once("dialog", lambda d: d.accept())
        page.click("form[action$='/submit/'] button")
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("[data-status]").inner_text() == "已提交"
        assert page.locator("form[action$='/review/']").count() == 0  # the maker does not review
        errors = list(page.errors)
        page.click("text=退出")
        page.wait_for_url("**/accounts/login/**")

        login(page, live_server.url, demo_live.township.username, password)
        nav_click(page, "账簿")
        page.locator("tr", has_text=book.name).locator("a.badge.waiting").click()  # the count leads to the queue
        page.click("text=收到光伏发电收入")
        assert page.url == voucher_url
        page.once("dialog", lambda d: d.accept())
        page.click("form[action$='/review-post/'] button")
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("[data-voucher-no]").inner_text() == "记-0001"
        assert page.locator("[data-status]").inner_text() == "已记账"
        assert "凭证已审核并记账" in page.locator(".messages").inner_text()
        errors += page.errors
    assert errors == [], errors
    v = Voucher.objects.get(book=book)
    assert (v.status, v.number, v.total, v.maker, v.reviewer, v.poster) == ("posted", 1, 120050, demo_live.accountant, demo_live.township, demo_live.township)
    assert [(e.account.code, e.debit, e.credit, e.settlement, e.source, e.counterparty) for e in v.entries.order_by("line")] == [
        ("102", 120050, 0, "bank", "", ""),
        ("501", 0, 120050, "", "pv", "县供电公司"),
    ]


def test_voucher_form_fits_a_phone(demo_live, live_server):
    book = open_book(demo_live)
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.accountant.username, settings.SANWU_DEMO_PASSWORD)
        page.goto(f"{live_server.url}/books/{book.code}/vouchers/new/")
        row = page.locator("tr[data-entry]").first
        row.locator("select[name=account]").select_option(label="101 库存现金")
        row.locator("input[name=debit]").fill("88")
        assert page.locator("[data-capital]").inner_text() == "捌拾捌元整"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        # everything wider than the screen sits inside a scrolling table wrapper
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap'))
                .map(el => el.tagName + '.' + el.className)"""
        )
        assert wide == []
        assert row.locator("input[name=debit]").is_visible()
        errors = list(page.errors)
    assert errors == [], errors


def test_a_receipt_is_attached_in_the_form_the_voucher_posts_and_prints(demo_live, live_server, settings, tmp_path):
    """The account found by its pinyin initials, a full-width amount, a receipt from the phone's
    camera input counted as the file is chosen; posted by the township, printed with its names."""
    from tests.ledger.test_views import tiny_png

    settings.MEDIA_ROOT = tmp_path / "media"
    book = open_book(demo_live)
    receipt = tmp_path / "发票.png"
    receipt.write_bytes(tiny_png())
    password = settings.SANWU_DEMO_PASSWORD
    with browser_page(PHONE) as page:
        login(page, live_server.url, demo_live.accountant.username, password)
        page.goto(f"{live_server.url}/books/{book.code}/vouchers/new/")
        page.fill("input[name=date]", "2025-03-05")
        page.fill("input[name=summary]", "收到光伏发电收入")
        rows = page.locator("tr[data-entry]")
        first, second = rows.nth(0), rows.nth(1)
        first.locator("[data-account-filter]").fill("yhck")  # 银行存款 by its pinyin initials
        assert first.locator("select[name=account]").input_value() == "102"
        first.locator("input[name=debit]").fill("１，２００．５０")
        assert page.locator("[data-debit-total]").inner_text() == "1,200.50"
        second.locator("[data-account-filter]").fill("经营收入")
        assert second.locator("select[name=account]").input_value() == "501"
        second.locator("input[name=credit]").fill("1200.50")
        assert page.locator("[data-balance-state]").inner_text() == "借贷平衡"
        camera = page.locator("input[name=receipts][capture]")
        assert camera.get_attribute("accept") == "image/*,application/pdf"
        camera.set_input_files(str(receipt))
        assert page.locator("[data-attachment-count]").inner_text() == "1"
        assert "发票.png" in page.locator("[data-receipt-names]").inner_text()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        page.click("button[value=submit]")
        page.wait_for_url("**/vouchers/*/")
        voucher_url = page.url
        assert page.locator("[data-status]").inner_text() == "已提交"
        assert "附件 1 张" in page.locator(".paper-meta").inner_text()
        assert page.locator(".attachments img.thumb").count() == 1
        errors = list(page.errors)
        page.click("text=退出")
        page.wait_for_url("**/accounts/login/**")

        login(page, live_server.url, demo_live.township.username, password)
        page.goto(voucher_url)
        page.once("dialog", lambda d: d.accept())
        page.click("form[action$='/review-post/'] button")
        page.wait_for_load_state("domcontentloaded")
        assert "没有其他待审核的凭证了" in page.locator(".messages").inner_text()
        assert page.url == voucher_url and page.locator("[data-voucher-no]").inner_text() == "记-0001"
        href = page.locator("a", has_text="打印凭证（A5）").get_attribute("href")
        pdf = page.request.get(f"{live_server.url}{href}")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        body = pdf.body()
        errors += page.errors
    assert errors == [], errors
    from tests.disclosure import pdftext

    text = pdftext.text(body)
    v = Voucher.objects.get(book=book)
    assert (v.status, v.attachment_count, v.attachments.count(), v.total) == ("posted", 1, 1, 120050)
    for label, user in (("制单", demo_live.accountant), ("审核", demo_live.township), ("记账", demo_live.township)):
        assert f"{label}：{user.first_name or user.username}" in text
