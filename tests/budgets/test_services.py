import datetime as dt

import pytest

from sanwu.budgets import rules, services
from sanwu.budgets.models import Budget, BudgetEvent, BudgetLine
from sanwu.core.errors import Invalid, Refused
from sanwu.core.money import split_by_largest_remainder

from .conftest import MEETING, YEAR, account, post_journal

SPEND = """
2025-01-10 支付村部办公用品
  513   3000.00   -
  101   -          3000.00    cash
2025-02-15 支付保洁劳务费
  514   1500.00   -
  101   -          1500.00    cash
2025-02-20 收到门面租金
  101   8000.00   -          cash
  501   -          8000.00   rent
2025-02-25 支付村部电费
  513   1000.00   -
  102   -          1000.00    bank
"""


def test_the_year_splits_over_twelve_months_by_largest_remainder():
    assert split_by_largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    months = rules.even_months(1_000_005)
    assert sum(months) == 1_000_005 and months[:9] == [83_334] * 9 and months[9:] == [83_333] * 3
    assert split_by_largest_remainder(10, [0, 1, 3]) == [0, 3, 7]


def test_the_accountant_drafts_lines_by_account_with_an_even_split_or_her_own(demo, book, draft):
    line = BudgetLine.objects.get(budget=draft, account__code="513")
    assert line.amount == 1_200_000 and line.months == [100_000] * 12
    mine = [0] * 11 + [600_000]
    services.set_line(demo.accountant, draft, account(book, "514"), 600_000, mine)
    assert BudgetLine.objects.get(budget=draft, account__code="514").months == mine
    with pytest.raises(Invalid, match="月度分解合计"):
        services.set_line(demo.accountant, draft, account(book, "514"), 600_000, [1] * 12)
    with pytest.raises(Invalid, match="不是收入或支出类科目"):
        services.set_line(demo.accountant, draft, account(book, "101"), 100)
    assert [e.action for e in BudgetEvent.objects.filter(budget=draft)] == ["create", "line", "line", "line", "line"]


def test_the_secretary_records_the_meeting_and_the_budget_is_frozen(demo, book, draft):
    with pytest.raises(Refused):
        services.approve(demo.accountant, draft, approved_on=dt.date(2025, 1, 20), meeting=MEETING)
    with pytest.raises(Invalid, match="三分之二以上同意"):
        services.approve(demo.secretary, draft, approved_on=dt.date(2025, 1, 20), meeting=rules.Meeting("representatives", 30, 28, 19))
    with pytest.raises(Invalid, match="三分之二以上成员出席"):
        services.approve(demo.secretary, draft, approved_on=dt.date(2025, 1, 20), meeting=rules.Meeting("members", 300, 150, 150))
    b = services.approve(demo.secretary, draft, approved_on=dt.date(2025, 1, 20), meeting=MEETING)
    assert (b.status, b.entitled, b.present, b.votes_for) == ("approved", 30, 28, 25)
    assert b.content_hash == services.content_hash(b) and services.is_intact(b)
    with pytest.raises(Invalid, match="不能修改"):
        services.set_line(demo.accountant, b, account(book, "513"), 1)
    with pytest.raises(Invalid, match="不能修改"):
        services.remove_line(demo.accountant, b, account(book, "513"))
    assert BudgetLine.objects.get(budget=b, account__code="513").amount == 1_200_000
    # A change behind the services' back shows: the hash no longer matches.
    BudgetLine.objects.filter(budget=b, account__code="513").update(amount=9_999_999)
    assert not services.is_intact(Budget.objects.get(pk=b.pk))
    ev = BudgetEvent.objects.filter(budget=b, action="approve").get()
    assert (ev.from_status, ev.to_status, ev.actor) == ("draft", "approved", demo.secretary)


def test_approval_by_a_decided_matter_of_the_village(demo, book, draft):
    from sanwu.decisions.models import Matter

    m = Matter.objects.create(village_id=book.region_id, title="2025年度财务预算", category="other", year=2025, stage="proposal")
    with pytest.raises(Invalid, match="决议尚未公开"):
        services.approve(demo.secretary, draft, matter=m)
    Matter.objects.filter(pk=m.pk).update(stage="resolution_published", decided_on=dt.date(2025, 1, 25))
    b = services.approve(demo.secretary, draft, matter=Matter.objects.get(pk=m.pk))
    assert (b.status, b.matter_id, b.approved_on) == ("approved", m.pk, dt.date(2025, 1, 25))


def test_a_change_is_a_new_version_and_the_old_one_is_kept(demo, book, approved):
    with pytest.raises(Invalid, match="已有预算"):
        services.create_budget(demo.accountant, book, YEAR)
    v2 = services.revise(demo.accountant, approved, "新增道路养护任务")
    assert (v2.version, v2.status, v2.supersedes_id) == (2, "draft", approved.pk)
    assert services.current_budget(book, YEAR) == approved  # the old one holds until v2 is approved
    services.set_line(demo.accountant, v2, account(book, "514"), 900_000)
    services.approve(demo.secretary, v2, approved_on=dt.date(2025, 7, 1), meeting=MEETING)
    approved.refresh_from_db()
    assert approved.status == "superseded" and services.is_intact(approved)
    assert BudgetLine.objects.get(budget=approved, account__code="514").amount == 600_000
    assert BudgetLine.objects.get(budget=v2, account__code="514").amount == 900_000
    assert services.current_budget(book, YEAR).pk == v2.pk
    assert services.current_budget(book, YEAR, as_of=dt.date(2025, 3, 31)).pk == approved.pk
    assert BudgetEvent.objects.filter(budget=approved, action="supersede").exists()


def test_budget_against_actual_sums_the_kept_totals_by_month(demo, book, approved):
    post_journal(demo.accountant, book, SPEND)
    data = services.budget_vs_actual(approved)
    by = {ln["code"]: ln for ln in data["lines"]}
    assert by["513"]["actual"][:3] == [300_000, 100_000, 0] and sum(by["513"]["actual"]) == 400_000
    assert by["514"]["actual"][1] == 150_000
    assert by["501"]["kind"] == "income" and by["501"]["actual"][1] == 800_000
    assert data["totals"]["expense"]["actual"][:2] == [300_000, 250_000]
    assert data["totals"]["expense"]["amount"] == 1_800_000 and sum(data["totals"]["expense"]["months"]) == 1_800_000
    m = services.to_month(by["513"], 2)
    assert (m["budget_to"], m["actual_to"], m["diff_to"], m["left"]) == (200_000, 400_000, 200_000, 800_000)


def test_outsiders_may_neither_draft_nor_approve(demo, book, other_book, draft):
    with pytest.raises(Refused):
        services.set_line(demo.other_accountant, draft, account(book, "513"), 1)
    with pytest.raises(Refused):
        services.create_budget(demo.other_accountant, book, YEAR + 1)
    with pytest.raises(Refused):
        services.approve(demo.township, draft, approved_on=dt.date(2025, 1, 20), meeting=MEETING)
    assert not Budget.objects.visible_to(demo.other_accountant).exists()
    assert Budget.objects.visible_to(demo.township).filter(pk=draft.pk).exists()
