"""Figures from books written as journals: every village's amounts, class and tier, the county's
counts, average and top village, the awards — each against the hand computation, to the fen."""

import datetime as dt
from decimal import Decimal

from sanwu.economy import rules as R
from sanwu.economy import services
from sanwu.ledger.models import Book, RoleYear
from sanwu.regions.models import Region

from .conftest import T1, TAIHU, TOWN1, TOWN2, V1, V2, V3, V4, V5, V6, YUEXI, CITY

# fen: operating income, operating return, total income, PV income, subsidy income
EXPECTED_2025 = {
    V1: (70_000_055, 52_000_025, 90_000_055, 10_000_000, 20_000_000),
    V2: (12_000_010, 8_700_010, 42_000_010, 12_000_010, 30_000_000),
    V3: (0, -800_000, 15_500_000, 0, 15_000_000),
    V4: (10_000_000, 10_000_000, 10_000_000, 0, 0),
    V5: (35_000_000, 25_000_000, 35_000_000, 0, 0),
    V6: (120_000_050, 80_000_050, 120_000_050, 0, 0),
}
PREV_2024 = {V1: 44_999_998, V2: 13_000_000, V3: 0, V4: 6_000_000, V5: 20_000_000, V6: 60_000_000}
CLASSES_2025 = {V1: "strong", V2: "pv_only", V3: "hollow", V4: "weak", V5: "general", V6: "strong"}
TIERS_2025 = {V1: "50万", V2: "", V3: "", V4: "", V5: "30万", V6: "100万"}


def yuexi():
    return Region.objects.get(code=YUEXI)


def test_every_village_figure_to_the_fen(hand):
    rows = {v.code: v for v in services.village_years(None, yuexi(), 2025)}
    assert set(rows) == set(EXPECTED_2025)
    for code, (oi, ret, total, pv, sub) in EXPECTED_2025.items():
        v = rows[code]
        assert (v.now.operating_income, v.now.operating_return, v.now.total_income, v.now.pv_income, v.now.subsidy_income) == (oi, ret, total, pv, sub), code
        assert v.prev.operating_income == PREV_2024[code], code
        assert v.cls == CLASSES_2025[code] and v.tier_label == TIERS_2025[code], code
    assert rows[V1].pv_share == Decimal("14.3")  # 10,000,000 / 70,000,055
    assert rows[V2].pv_share == 100
    assert rows[V1].operating_income_change == 25_000_057
    assert rows[V2].operating_income_change == -999_990


def test_classes_of_the_year_before(hand):
    rows = {v.code: v for v in services.village_years(None, yuexi(), 2024)}
    assert {c: v.cls for c, v in rows.items()} == {V1: "general", V2: "weak", V3: "hollow", V4: "weak", V5: "general", V6: "strong"}
    assert all(v.prev is None for v in rows.values())  # the books open in 2024


def test_county_summary_counts_average_top(hand):
    ov = services.overview(None, yuexi(), 2025)
    s = ov.summary
    assert s.villages == 6
    assert s.classes == {"hollow": 1, "pv_only": 1, "weak": 1, "general": 1, "strong": 2}
    assert [(t.threshold, t.count, t.target) for t in s.tiers] == [(30_000_000, 3, 100), (50_000_000, 2, 50), (100_000_000, 1, 10)]
    assert s.operating_income == 247_000_115  # 700,000.55 + 120,000.10 + 0 + 100,000 + 350,000 + 1,200,000.50
    assert s.average_operating_income == 41_166_686  # 247,000,115 / 6 = 41,166,685.83 → half up
    assert s.operating_return == 174_900_085 and s.average_operating_return == 29_150_014  # 29,150,014.17
    assert s.total_income == 312_500_115 and s.subsidy_income == 65_000_000 and s.pv_income == 22_000_010
    assert s.pv_share == "8.9%"
    assert s.top.code == V6 and s.top.measure == 120_000_050
    # the townships side by side
    by = {c.code: c.summary for c in ov.children}
    assert set(by) == {TOWN1, TOWN2}
    assert by[TOWN1].classes == {"hollow": 1, "pv_only": 1, "weak": 0, "general": 0, "strong": 1}
    assert by[TOWN2].classes == {"hollow": 0, "pv_only": 0, "weak": 1, "general": 1, "strong": 1}
    assert by[TOWN1].average_operating_income == 27_333_355  # 82,000,065 / 3 = 27,333,355 exactly
    assert by[TOWN2].average_operating_income == 55_000_017  # 165,000,050 / 3 = 55,000,016.67 → 55,000,017
    assert [t.target for t in by[TOWN1].tiers] == [None, None, None]  # targets are a county's


def test_city_sums_counties_and_their_targets(hand):
    ov = services.overview(None, Region.objects.get(code=CITY), 2025)
    assert ov.summary.villages == 7
    assert {c.code: c.summary.villages for c in ov.children} == {TAIHU: 1, YUEXI: 6}
    assert [t.target for t in ov.summary.tiers] == [200, 100, 20]  # two counties with the default 100/50/10
    taihu = {v.code: v for v in services.village_years(None, Region.objects.get(code=TAIHU), 2025)}
    assert taihu[T1].now.operating_income == 20_000_000 and taihu[T1].cls == "general" and taihu[T1].prev is None
    assert taihu[T1].cadre_reward == 0  # no year before in the books


def test_trends_over_years(hand):
    s24, s25 = services.trends(None, yuexi(), [2024, 2025])
    assert s24.classes == {"hollow": 1, "pv_only": 0, "weak": 2, "general": 2, "strong": 1}
    assert s24.average_operating_income == 24_000_000  # 143,999,998 / 6 = 23,999,999.67
    assert s25.classes["strong"] == 2


def test_awards_from_the_rules(hand):
    rows = {a.village.code: a for a in services.award_rows(None, yuexi(), 2025)}
    assert set(rows) == {V1, V4, V5, V6}  # V2 fell, V3 hollow: nothing
    # V1: tier 50万 → 2万; growth 25,000,057 → 2 steps → 1万; cadre 20% → 5,000,011.4 → 5,000,011
    assert (rows[V1].volume, rows[V1].increment, rows[V1].cadre) == (2_000_000, 1_000_000, 5_000_011)
    # V4: no tier; growth 4万 < one step; cadre 8,000.00
    assert (rows[V4].volume, rows[V4].increment, rows[V4].cadre) == (0, 0, 800_000)
    # V5: tier 30万 → 1万; growth 15万 → 1 step → 5,000; cadre 30,000.00
    assert (rows[V5].volume, rows[V5].increment, rows[V5].cadre) == (1_000_000, 500_000, 3_000_000)
    # V6: tier 100万 → 5万; growth 60,000,050 → 6 steps → 3万; cadre 120,000.10 capped at 10万
    assert (rows[V6].volume, rows[V6].increment, rows[V6].cadre) == (5_000_000, 3_000_000, 10_000_000)
    assert all(a.status == "no_resolution" and a.cadre_granted == 0 for a in rows.values())
    assert rows[V6].cadre_reason == "经营性收入比上年增加60.00万元，按20%计12.00万元，按每村上限10.00万元"
    assert rows[V1].increment_reason == "经营性收入比上年增长25.00万元，满2个10万元，每个奖0.50万元"
    assert rows[V1].volume_reason == "经营性收入70.00万元，达到50万元以上档，体量奖2.00万元"


def test_a_second_book_of_the_same_village_adds_up(hand):
    from sanwu.ledger import services as ledger
    from tests.ledger.journal import parse

    extra = ledger.create_book(None, "E28100200-2", V1, "2023", name="大歇村文旅合作社", start_date=dt.date(2025, 1, 1))
    ledger.confirm_opening(None, extra)
    ledger.post_drafts(None, extra, parse("2025-03-03 门票收入\n  102 1000.01 - bank\n  501 - 1000.01 service\n"))
    v = next(v for v in services.village_years(None, yuexi(), 2025) if v.code == V1)
    assert v.now.operating_income == 70_000_055 + 100_001
    assert v.prev.operating_income == 44_999_998  # only the old book reaches back
    assert v.books == ["E28100200", "E28100200-2"]


def test_one_definition_of_operating_income_in_the_database_and_in_python(hand):
    """`rules.operating_roles` is the one definition: the database sums behind every page and the
    pure function over a book's role flows give the same operating income, whatever roles the
    county counts — and a subsidy is never operating income, even in a row saved before the rule
    checks existed."""
    by_village = {}
    for book in Book.objects.filter(region__code__startswith="340828"):
        flows = by_village.setdefault(book.region_id, {})
        for role, credit, debit in RoleYear.objects.filter(book=book, year=2025).values_list("role", "credit", "debit"):
            flows[role] = flows.get(role, 0) + credit - debit
    s = services.settings_for(YUEXI)
    # V1 2025: 经营收入 500,000.55 + 100,000.00 (PV) = 600,000.55; 承包金 80,000.00; 投资收益 20,000.00; 补助 200,000.00.
    for stored, v1 in (
        ("operating_income,contracting_income,investment_income", 70_000_055),
        ("operating_income", 60_000_055),
        ("contracting_income,other_income", 8_000_000),
        ("operating_income,subsidy_income", 60_000_055),  # never the subsidy
    ):
        s.operating_roles = stored
        s.save(update_fields=["operating_roles"])
        rules = services.rules_for([YUEXI])[YUEXI]
        assert "subsidy_income" not in R.operating_roles(rules)
        rows = {v.code: v for v in services.village_years(None, yuexi(), 2025)}
        assert rows[V1].now.operating_income == v1, stored
        for code, v in rows.items():
            assert v.now.operating_income == R.operating_income(by_village[code], rules), (stored, code)
            assert v.now.operating_income == services.amounts_from_flows(by_village[code], "2004", rules).operating_income, (stored, code)
