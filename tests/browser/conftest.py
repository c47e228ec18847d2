"""Playwright driving Debian's Chromium (never a downloaded browser) against the live server.

ORM work happens before and after the `browser_page()` block, never inside it.
"""

import shutil
from contextlib import contextmanager

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Debian 的 chromium 未安装：请先运行 make system-deps（apt-get install chromium）")
    return path


@contextmanager
def browser_page(viewport=None):
    """A fresh page; console errors (CSP violations among them) are collected in page.errors."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN")
            page = context.new_page()
            page.errors = []
            page.on("console", lambda msg: page.errors.append(f"{msg.text} {msg.location}") if msg.type == "error" else None)
            page.on("pageerror", lambda exc: page.errors.append(str(exc)))
            page.set_default_timeout(15000)
            yield page
        finally:
            browser.close()


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def nav_click(page, label: str) -> None:
    """Follow a main-menu entry as a user would: open 菜单 (phone) and the entry's group first."""
    nav = page.locator("nav.nav")
    menu = nav.locator("details[data-nav-menu]")
    if menu.get_attribute("open") is None:
        menu.locator(":scope > summary").click()
    link = nav.get_by_role("link", name=label, exact=True)
    group = nav.locator("details[data-nav-group]", has=page.locator(f"a:text-is('{label}')"))  # roles skip closed ones
    if group.count() and group.get_attribute("open") is None:
        group.locator(":scope > summary").click()
    link.click()
