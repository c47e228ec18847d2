"""The rules as pure functions: figures in, classes, tiers and awards out (hand numbers, fen)."""

from decimal import Decimal

import pytest

from sanwu.economy import rules as R
from sanwu.economy.services import Amounts, VillageYear, amounts_from_flows, summarise
from sanwu.economy.rules import Rules, Tier

WAN = 1_000_000


@pytest.mark.parametrize(
    "value, oi, pv, expected",
    [
        (0, 0, 0, "hollow"),
        (-1, 0, 0, "hollow"),  # a negative operating return is hollow too
        (1, 1, 0, "weak"),
        (12 * WAN, 12 * WAN, 12 * WAN, "pv_only"),  # all operating income is PV …
        (60 * WAN, 60 * WAN, 60 * WAN, "pv_only"),  # … whatever its size
        (12 * WAN, 12 * WAN, 11 * WAN, "weak"),
        (15 * WAN - 1, 15 * WAN - 1, 0, "weak"),
        (15 * WAN, 15 * WAN, 0, "general"),
        (50 * WAN - 1, 50 * WAN - 1, 0, "general"),
        (50 * WAN, 50 * WAN, 0, "strong"),
    ],
)
def test_classes_in_order(value, oi, pv, expected):
    assert R.classify(value, oi, pv) == expected


def test_a_hollow_line_and_other_lines_are_county_data():
    rules = Rules(hollow_line=5 * WAN, weak_line=10 * WAN, strong_line=30 * WAN)
    assert R.classify(5 * WAN - 1, 5 * WAN - 1, 0, rules) == "hollow"
    assert R.classify(5 * WAN, 5 * WAN, 0, rules) == "weak"
    assert R.classify(10 * WAN, 10 * WAN, 0, rules) == "general"
    assert R.classify(30 * WAN, 30 * WAN, 0, rules) == "strong"


def test_tiers_and_volume_award_take_the_highest_tier_only():
    assert R.tier_of(30 * WAN - 1) is None
    assert R.tier_of(30 * WAN).threshold == 30 * WAN
    assert R.tier_of(99 * WAN).threshold == 50 * WAN
    assert R.tier_of(829_900_000).threshold == 100 * WAN
    assert R.volume_award(29 * WAN) == 0
    assert R.volume_award(30 * WAN) == 1 * WAN
    assert R.volume_award(120 * WAN) == 5 * WAN  # not 1 + 2 + 5


def test_increment_award_per_full_step_with_cap():
    assert R.increment_award(None) == 0
    assert R.increment_award(-5 * WAN) == 0
    assert R.increment_award(10 * WAN - 1) == 0
    assert R.increment_award(10 * WAN) == 500_000
    assert R.increment_award(25_000_057) == 1_000_000  # 2 full steps of 10万 → 2 × 5,000元
    assert R.increment_award(200 * WAN) == 5 * WAN  # 20 steps would be 10万; capped at 5万
    assert R.increment_award(200 * WAN, Rules(increment_cap=0)) == 100_000_000 // 10  # no cap: 20 × 5,000元


def test_cadre_reward_twenty_percent_rounded_down_capped_at_ten_wan():
    assert R.cadre_reward(None) == 0
    assert R.cadre_reward(0) == 0
    assert R.cadre_reward(-1) == 0
    assert R.cadre_reward(25_000_057) == 5_000_011  # 5,000,011.4 fen, rounded down
    assert R.cadre_reward(1) == 0  # 0.2 fen rounds down to nothing
    assert R.cadre_reward(50 * WAN) == 10 * WAN  # exactly at the cap
    assert R.cadre_reward(60_000_050) == 10 * WAN  # 12万元 capped at 10万元
    assert R.cadre_reward(10 * WAN, Rules(cadre_rate_bp=1550, cadre_cap=50 * WAN)) == 1_550_000


def test_rounding_helpers():
    assert R.average(247_000_115, 6) == 41_166_686  # 41,166,685.83 half up
    assert R.average(5, 2) == 3 and R.average(-5, 2) == -3 and R.average(7, 0) == 0
    assert R.percent(1, 6) == Decimal("16.7")
    assert R.percent(1, 8) == Decimal("12.5")
    assert R.percent(1, 0) is None
    assert R.percent_text(22_000_010, 247_000_115) == "8.9%"
    assert R.wan_text(30 * WAN) == "30" and R.wan_text(15_500_000) == "15.5"
    assert R.rate_text(2000) == "20%" and R.rate_text(1550) == "15.5%"


def test_operating_return_by_chart():
    flows = {
        "operating_income": 100, "contracting_income": 20, "investment_income": 5, "subsidy_income": 1000,
        "operating_expense": 30, "management_expense": 10, "tax_surcharge": 7, "other_income": 3,
    }
    a2004 = amounts_from_flows(flows, "2004", R.DEFAULTS, pv_income=40)
    assert a2004.operating_return == 100 + 20 + 5 - 30 - 10
    a2023 = amounts_from_flows(flows, "2023", R.DEFAULTS)
    assert a2023.operating_return == 100 + 5 - 30 - 7 - 10
    assert a2004.operating_income == 125  # subsidies and other income never count
    assert a2004.total_income == 1128 and a2004.subsidy_income == 1000 and a2004.pv_income == 40
    only_own = amounts_from_flows(flows, "2004", Rules(operating_roles=frozenset({"operating_income"})))
    assert only_own.operating_income == 100


def vy(code, oi, ret=None, pv=0, prev=None, rules=R.DEFAULTS):
    return VillageYear(
        code=code, name=code, township_code=code[:9] + "000", township_name="镇", county_code=code[:6] + "000000", year=2025,
        rules=rules, now=Amounts(oi, oi if ret is None else ret, oi, pv, 0), prev=None if prev is None else Amounts(prev, prev, prev, 0, 0),
    )


def test_summary_counts_average_and_top():
    villages = [vy("1", 0), vy("2", 12 * WAN, pv=12 * WAN), vy("3", 10 * WAN), vy("4", 35 * WAN), vy("5", 70 * WAN), vy("6", 120 * WAN)]
    s = summarise(villages, 2025, {t.threshold: t.target for t in R.DEFAULT_TIERS})
    assert s.classes == {"hollow": 1, "pv_only": 1, "weak": 1, "general": 1, "strong": 2}
    assert [(t.threshold, t.count, t.target, t.met) for t in s.tiers] == [(30 * WAN, 3, 100, False), (50 * WAN, 2, 50, False), (100 * WAN, 1, 10, False)]
    assert s.average_operating_income == R.average(247 * WAN, 6) == 41_166_667
    assert s.top.code == "6" and s.share("strong") == "33.3%"
    assert dict(s.bands) == {"0及以下": 1, "0–5万": 0, "5–15万": 2, "15–30万": 0, "30–50万": 1, "50–100万": 1, "100万以上": 1}


def test_measure_operating_return_changes_classes_but_not_pv_only():
    rules = Rules(measure="operating_return")
    v = vy("1", 60 * WAN, ret=40 * WAN, rules=rules)
    # the "351" tiers keep their own measure (operating income, 60万) — issue 12 item 8
    assert v.measure == 40 * WAN and v.cls == "general" and v.tier.threshold == 50 * WAN
    assert vy("1", 60 * WAN, ret=40 * WAN, rules=Rules(measure="operating_return", tier_measure="operating_return")).tier.threshold == 30 * WAN
    assert vy("2", 60 * WAN, ret=-1, rules=rules).cls == "hollow"
    assert vy("3", 12 * WAN, ret=9 * WAN, pv=12 * WAN, rules=rules).cls == "pv_only"


def test_tier_default_labels():
    assert [t.label for t in R.DEFAULT_TIERS] == ["30万元以上", "50万元以上", "100万元以上"]
    assert Tier(15_500_000, 1).label == "15.5万元以上"
