"""`sanwu budgets list|show|create|line|approve|revise|setting|demo`, honouring --as."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.budgets.models import Budget
from sanwu.ledger.models import CountyLedgerSettings
from sanwu.oversight.models import Warning

from .conftest import post_journal


def run(*args) -> str:
    out = io.StringIO()
    call_command("budgets", *args, stdout=out)
    return out.getvalue()


def test_the_whole_cycle_from_the_cli(demo, book):
    acc, sec = demo.accountant.username, demo.secretary.username
    assert "已建立预算草稿" in run("create", "--book", book.code, "--year", "2025", "--as", acc)
    b = Budget.objects.get(book=book, year=2025)
    run("line", str(b.pk), "--account", "513", "--amount", "12000", "--as", acc)
    run("line", str(b.pk), "--account", "514", "--amount", "1200", "--months", ",".join(["100"] * 12), "--as", acc)
    with pytest.raises(CommandError, match="无权记录预算批准"):
        run("approve", str(b.pk), "--date", "2025-01-20", "--meeting", "members", "--entitled", "90", "--present", "80", "--for", "70", "--as", acc)
    with pytest.raises(CommandError, match="三分之二以上同意"):
        run("approve", str(b.pk), "--date", "2025-01-20", "--meeting", "members", "--entitled", "90", "--present", "80", "--for", "50", "--as", sec)
    assert "已批准" in run("approve", str(b.pk), "--date", "2025-01-20", "--meeting", "members", "--entitled", "90", "--present", "80", "--for", "70", "--as", sec)
    post_journal(demo.accountant, book, "2025-02-10 支付村部维修费\n  513   9000.00   -\n  102   -          9000.00    bank\n")
    rows = json.loads(run("show", "--book", book.code, "--year", "2025", "--month", "2", "--format", "json", "--as", demo.township.username))
    line = next(r for r in rows if r["code"] == "513")
    assert line["amount"] == "12000.00" and line["actual_to"] == "9000.00" and line["budget_to"] == "2000.00"
    listed = json.loads(run("list", "--format", "json", "--as", acc))
    assert [(r["book"], r["status"], r["expense"]) for r in listed] == [(book.code, "已批准", "13200.00")]
    assert "已建立调整草稿" in run("revise", str(b.pk), "--reason", "年中调整", "--as", acc)


def test_outsiders_see_nothing_and_cannot_act(demo, book, approved):
    assert json.loads(run("list", "--format", "json", "--as", demo.other_accountant.username)) == []
    with pytest.raises(CommandError):
        run("show", str(approved.pk), "--as", demo.other_accountant.username)
    with pytest.raises(CommandError):
        run("revise", str(approved.pk), "--reason", "x", "--as", demo.other_accountant.username)


def test_the_county_sets_over_budget_spending_refused(demo):
    assert "不予记账" in run("setting", "--county", "340828000000", "--over-budget", "refuse", "--as", demo.county.username)
    assert CountyLedgerSettings.objects.get(county_id="340828000000").over_budget == "refuse"
    with pytest.raises(CommandError):
        run("setting", "--county", "340828000000", "--over-budget", "flag", "--as", demo.township.username)


def test_demo_budgets_are_approved_and_a_few_overspend(demo, book):
    from sanwu.budgets import demo as budgets_demo
    from sanwu.core.dates import today

    year = today().year
    post_journal(demo.accountant, book, f"""
{year - 1}-05-10 支付村部维修费
  513   9000.00   -
  102   -          9000.00    bank
{year}-02-10 支付村部维修费
  513   12000.00   -
  102   -          12000.00    bank
""")
    budgets_demo.OVER_EVERY = 1  # every village overspends, so this one book does
    try:
        r = budgets_demo.load_demo(3)
    finally:
        budgets_demo.OVER_EVERY = 7
    b = Budget.objects.get(book=book, year=year)
    assert r["budgets"] == 1 and b.status == "approved" and r["over"] == 1
    assert Warning.objects.filter(book=book, rule="over_budget").count() == 1
    assert budgets_demo.load_demo(3)["budgets"] == 0  # idempotent
