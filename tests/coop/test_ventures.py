"""合作经营 (四方入股, 四马分肥): a venture's parties and stakes, the year's profit split by stake to
the fen, the cooperative's part posted as 投资收益 (a voucher for the township's review); a loss
splits nothing; each step with the user who may not take it."""

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sanwu.coop import rules
from sanwu.coop.models import Venture, VentureProfit
from sanwu.coop.services import ventures
from sanwu.core.audit import AuditEvent
from sanwu.core.errors import Invalid, Refused
from sanwu.ledger.models import Entry

from ..conftest import client_for
from .test_import import book_of

# 毛畈村's four parties (yuan): land valued 300,000, collective funds 500,000, cadres 100,000, idle funds 100,000.
FOUR = [
    ventures.StakeData("farmers_land", "入股农户（42户）", 30_000_000, "土地经营权折价"),
    ventures.StakeData("collective_funds", "本村股份经济合作社", 50_000_000),
    ventures.StakeData("cadre_funds", "村两委干部（5人）", 10_000_000),
    ventures.StakeData("idle_funds", "群众闲散资金", 10_000_000),
]


@given(st.integers(min_value=-10**9, max_value=10**12), st.lists(st.integers(min_value=1, max_value=10**10), min_size=1, max_size=8))
def test_the_split_sums_to_the_profit_and_each_part_is_within_a_fen_of_its_share(profit, contributions):
    parts = rules.venture_split(profit, contributions)
    if profit <= 0:
        assert parts == [0] * len(contributions)
        return
    assert sum(parts) == profit
    total = sum(contributions)
    assert all(abs(p * total - profit * c) < total for p, c in zip(parts, contributions))


def test_a_venture_needs_two_parties_the_collective_among_them_and_positive_stakes():
    assert rules.venture_problems("茶叶公司", [], [(s.kind, s.party, s.contribution) for s in FOUR]) == []
    problems = [p.message for p in rules.venture_problems("", [], [("social_capital", "", 0)])]
    assert "请填写经营主体名称" in problems and "合作经营至少需要两方出资" in problems
    assert "出资方中应有本村集体（村集体资金或资源折价入股）" in problems and "社会资本的出资额应大于0" in problems
    assert rules.format_percent_bp(5100) == "51.00%" and rules.format_percent_bp(3333) == "33.33%"


@pytest.fixture
def book(coop):
    return book_of(coop)


@pytest.fixture
def venture(demo, coop, book):
    return ventures.create_venture(demo.accountant, coop, name="毛畈村茶叶专业合作公司", founded_on=dt.date(2025, 3, 1), stakes=FOUR, business="茶叶种植加工")


def test_the_profit_is_split_by_stake_and_the_collectives_part_is_its_investment_income(demo, venture, book):
    assert [r["percent"] for r in ventures.stake_rows(venture)] == ["30.00%", "50.00%", "10.00%", "10.00%"]
    p = ventures.record_profit(demo.accountant, venture, year=2025, profit=12_345_679, declared_on=dt.date(2026, 3, 10))
    amounts = [s.amount for s in p.shares.order_by("id")]
    assert amounts == [3_703_704, 6_172_839, 1_234_568, 1_234_568] and sum(amounts) == p.profit
    v = p.voucher
    assert v.status == "submitted" and v.book == book and v.date == dt.date(2026, 3, 10)
    lines = {(e.account.role_set & {"receivable", "investment_income"}).pop(): (e.debit, e.credit) for e in Entry.objects.filter(voucher=v).select_related("account")}
    assert lines == {"receivable": (6_172_839, 0), "investment_income": (0, 6_172_839)}
    assert AuditEvent.objects.filter(action="coop.venture.profit", new__collective_part=6_172_839).exists()
    with pytest.raises(Invalid, match="2025年度的利润分配已登记"):
        ventures.record_profit(demo.accountant, venture, year=2025, profit=1, declared_on=dt.date(2026, 3, 11))


def test_a_loss_is_recorded_and_splits_nothing(demo, venture):
    p = ventures.record_profit(demo.accountant, venture, year=2025, profit=-500_000, declared_on=dt.date(2026, 3, 10))
    assert p.voucher is None and set(p.shares.values_list("amount", flat=True)) == {0}


def test_outsiders_neither_record_nor_see_a_venture(demo, coop, other_coop, venture):
    with pytest.raises(Refused):
        ventures.create_venture(demo.other_accountant, coop, name="越权公司", founded_on=dt.date(2025, 1, 1), stakes=FOUR)
    with pytest.raises(Refused):
        ventures.record_profit(demo.secretary, venture, year=2025, profit=100, declared_on=dt.date(2026, 3, 1))
    assert client_for(demo.other_accountant).get(reverse("coop:ventures", args=[coop.pk])).status_code == 404
    assert client_for(demo.other_township).get(reverse("coop:ventures", args=[coop.pk])).status_code == 404
    r = client_for(demo.township).post(reverse("coop:venture_profit", args=[coop.pk, venture.pk]), {"year": "2025", "profit": "100", "declared_on": "2026-03-01"})
    assert r.status_code == 403 and not VentureProfit.objects.exists()
    page = client_for(demo.township).get(reverse("coop:ventures", args=[coop.pk]))
    assert page.status_code == 200 and "毛畈村茶叶专业合作公司" in page.content.decode() and "登记合作经营项目" not in page.content.decode()


def test_the_accountant_records_a_venture_and_its_profit_on_the_page(demo, coop, book):
    c = client_for(demo.accountant)
    url = reverse("coop:ventures", args=[coop.pk])
    bad = c.post(url, {"name": "大歇村旅游开发公司", "founded_on": "2024-05-01", "party_social_capital": "县文旅投资公司", "amount_social_capital": "4900000"})
    assert bad.status_code == 422 and "出资方中应有本村集体" in bad.content.decode() and not Venture.objects.exists()
    r = c.post(url, {
        "name": "大歇村旅游开发公司", "founded_on": "2024-05-01", "business": "司空山景区",
        "party_collective_resources": "本村股份经济合作社", "amount_collective_resources": "5100000", "note_collective_resources": "山场、林地折价",
        "party_social_capital": "县文旅投资公司", "amount_social_capital": "4,900,000",
    })
    assert r.status_code == 302
    v = Venture.objects.get()
    assert ventures.collective_bp(v) == 5100
    bad = c.post(reverse("coop:venture_profit", args=[coop.pk, v.pk]), {"year": "2025", "profit": "一百万", "declared_on": "2026-03-20"}, follow=True)
    assert "可分配利润（元，亏损填负数）" in bad.content.decode() and not VentureProfit.objects.exists()
    r = c.post(reverse("coop:venture_profit", args=[coop.pk, v.pk]), {"year": "2025", "profit": "1000000.01", "declared_on": "2026-03-20"}, follow=True)
    body = r.content.decode()
    assert "本村集体分得510,000.01元" in body and "510,000.01" in body and VentureProfit.objects.get().voucher.status == "submitted"


def test_api_cli_and_excel_give_the_stakes_and_profits_to_those_in_scope(demo, coop, book, venture):
    import io
    import json

    from django.core.management import CommandError, call_command
    from openpyxl import load_workbook

    from ..conftest import api_client, response_bytes

    ventures.record_profit(demo.accountant, venture, year=2025, profit=1_000_000, declared_on=dt.date(2026, 3, 10))
    data = api_client(demo.township).get(f"/api/v1/coop/{coop.pk}/ventures").json()
    assert data[0]["collective_share"] == "50.00%" and [s["share"] for s in data[0]["stakes"]] == ["30.00%", "50.00%", "10.00%", "10.00%"]
    assert data[0]["profits"][0]["collective_part_fen"] == 500_000 and sum(p["amount_fen"] for p in data[0]["profits"][0]["parts"]) == 1_000_000
    assert api_client(demo.other_accountant).get(f"/api/v1/coop/{coop.pk}/ventures").status_code == 404
    out = io.StringIO()
    call_command("coop", "ventures", "--book", book.code, "--format", "json", "--as", demo.accountant.username, stdout=out)
    assert json.loads(out.getvalue())[0]["profits"][0]["voucher_status"] == "submitted"
    out = io.StringIO()
    call_command("coop", "ventures", "--book", book.code, "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[2].startswith("毛畈村茶叶专业合作公司,2025-03-01,村集体资金入股,本村股份经济合作社,500000.00,50.00%")
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        call_command("coop", "ventures", "--book", book.code, "--as", demo.other_accountant.username, stdout=io.StringIO())
    r = client_for(demo.accountant).get(reverse("coop:ventures", args=[coop.pk]) + "?format=xlsx")
    ws = load_workbook(io.BytesIO(response_bytes(r))).active
    assert [c.value for c in ws[1]][:4] == ["经营主体", "成立日期", "出资方式", "出资方"] and ws.max_row == 5
