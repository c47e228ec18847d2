"""The budget-to-actual table in the financial disclosure: added when the village has an
approved budget for the year, frozen with the disclosure; a draft budget is never shown."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from sanwu.budgets import services
from sanwu.disclosure import services as disclosure
from tests.conftest import finance_reviewed
from tests.disclosure.conftest import APRIL, MARCH

from .conftest import MEETING, account, post_journal


def test_a_draft_budget_is_not_in_the_disclosure(demo, book, draft):
    post_journal(demo.accountant, book, MARCH)
    d = disclosure.prepare(demo.accountant, book, 2025, 3)
    assert "budget" not in d.snapshot


def test_the_disclosure_freezes_the_approved_budget_against_actual(demo, book, approved):
    post_journal(demo.accountant, book, MARCH + APRIL)
    d = disclosure.prepare(demo.accountant, book, 2025, 3)
    s = d.snapshot["budget"]
    assert (s["year"], s["version"], s["approved_on"], s["month_to"], s["approved_by"]) == (2025, 1, "2025-01-20", 3, "成员代表大会")
    by = {(x["kind"], x["code"]): x for x in s["lines"]}
    # 501 operating income: 15,000.50元 in March (PV and rent), budget 50,000元 a year (split by largest remainder).
    assert by[("income", "501")]["actual_to"] == 1_500_050 and by[("income", "501")]["budget_to"] == 1_250_001  # 416,666.67 a month: the 8 fen left go to January–August
    assert by[("expense", "513")]["actual_period"] == 80_000 and by[("expense", "513")]["left"] == 1_120_000
    assert by[("expense", "")]["label"] == "支出合计" and by[("expense", "")]["amount"] == 1_800_000
    finance_reviewed(book, 2025, 3)
    d = disclosure.publish(demo.secretary, disclosure.confirm(demo.secretary, d))
    # A later version changes nothing the disclosure froze, and the figures still check.
    v2 = services.revise(demo.accountant, approved, "调整")
    services.set_line(demo.accountant, v2, account(book, "513"), 5_000_000)
    services.approve(demo.secretary, v2, approved_on=dt.date(2025, 6, 1), meeting=MEETING)
    d.refresh_from_db()
    assert d.snapshot["budget"]["version"] == 1
    ok, text = disclosure.check_disclosure(d)
    assert ok, text
    page = Client().get(reverse("disclosure:public_disclosure", args=[book.region_id, d.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "data-budget-section" in html and "年度预算执行情况" in html


def test_the_villager_sees_no_budget_page(demo, draft):
    resp = Client().get(reverse("budgets:detail", args=[draft.pk]))
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
