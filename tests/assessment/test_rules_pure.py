"""The pure rules, one rule per test: scores in hundredths, weighted totals, competition
ranking with explicit ties, bottom N, consequences over one and two years, list outcomes."""

import pytest

from sanwu.assessment import rules
from sanwu.assessment.rules import Rule, consequences, rank


@pytest.mark.parametrize("text, hundredths", [("92.5", 9250), ("92.50", 9250), ("0", 0), ("100", 10000), (" 88 ", 8800), (75, 7500)])
def test_scores_are_read_exactly(text, hundredths):
    assert rules.parse_score(text) == hundredths


@pytest.mark.parametrize("bad, message", [
    (92.5, "不是精确的十进制数"), ("92.555", "超过两位小数"), ("abc", "不是数字"), ("101", "应在0到100之间"),
    ("-1", "应在0到100之间"), ("", "分数为空"), ("1e2", "科学计数法"), (True, "不是精确的十进制数"), ("NaN", "不是数字"),
])
def test_bad_scores_are_refused_in_chinese(bad, message):
    with pytest.raises(rules.ScoreError, match=message):
        rules.parse_score(bad)


def test_weighted_total_is_an_exact_integer():
    weights = {"a": 30, "b": 25, "c": 20, "d": 25}
    total = rules.weighted_total({"a": 9500, "b": 9000, "c": 9000, "d": 9200}, weights)
    assert total == 9500 * 30 + 9000 * 25 + 9000 * 20 + 9200 * 25
    assert rules.format_total(total) == "92.00"
    assert rules.weighted_total({"a": 9500}, weights) is None


def test_weighted_total_rounds_half_up_only_for_display():
    # 84.555 shown as 84.56; the ranking compares the exact integer.
    assert rules.format_total(845550) == "84.56"
    assert rules.format_total(845549) == "84.55"


def test_weights_must_add_up_to_100():
    assert rules.weight_problems([("a", "甲", 50), ("b", "乙", 50)]) == []
    assert rules.weight_problems([("a", "甲", 50), ("b", "乙", 40)]) == [("weight", "各项指标权重合计应为100，现为90")]
    problems = rules.weight_problems([("a", "甲", 50), ("a", "甲", 0), ("中", "", 50)])
    assert ("key", "指标代码「a」重复") in problems and ("name", "指标名称「甲」重复") in problems
    assert ("weight", "指标「甲」的权重应为1到100的整数") in problems and ("name", "指标名称不能为空") in problems
    assert ("key", "指标代码「中」应为字母、数字或下划线") in problems


def test_competition_ranking_shares_ranks_and_skips():
    places = rank({"A": 90, "B": 80, "C": 80, "D": 70, "E": None})
    assert {k: p.rank for k, p in places.items()} == {"A": 1, "B": 2, "C": 2, "D": 4, "E": None}
    assert places["B"].tied and places["C"].tied and not places["A"].tied
    assert {k: p.from_bottom for k, p in places.items()} == {"A": 4, "B": 2, "C": 2, "D": 1, "E": None}
    assert places["A"].of == 4


def test_last_place_is_shared_by_ties():
    assert rules.bottom({"A": 90, "B": 70, "C": 70}, 1) == {"B", "C"}


def test_bottom_three_includes_everyone_tied_at_the_boundary():
    values = {"A": 95, "B": 90, "C": 80, "D": 80, "E": 60}
    assert rules.bottom(values, 3) == {"E", "C", "D"}
    assert rules.bottom({"A": 95, "B": 80, "C": 80, "D": 80, "E": 60}, 3) == {"B", "C", "D", "E"}
    assert rules.bottom({"A": 95, "B": 90}, 3) == {"A", "B"}  # fewer units than N: all of them


def test_units_without_a_value_are_never_in_the_bottom():
    assert rules.bottom({"A": 90, "B": None}, 1) == {"A"}


def test_order_is_best_first_ties_by_code():
    assert rules.order({"3": 80, "1": 80, "2": 90, "4": None}) == ["2", "1", "3", "4"]


LAST = Rule("last", "末位", rules.TOTAL, 1, 1)
TWO_YEARS = Rule("org2", "组织业务连续2年末位", "org", 1, 2)
BOTTOM3 = Rule("rec3", "党员发展后3位", "rec", 3, 1)


def _hits(rule_list, years):
    return {(h.rule.key, h.unit) for h in consequences(rule_list, years)}


def test_one_year_rule_reads_this_year_only():
    this = {rules.TOTAL: {"A": 10, "B": 5}}
    assert _hits([LAST], [this, None]) == {("last", "B")}


def test_two_year_rule_needs_both_years():
    this = {"org": {"A": 80, "B": 70, "C": 90}}
    last = {"org": {"A": 60, "B": 75, "C": 90}}
    assert _hits([TWO_YEARS], [this, last]) == set()  # B last now, A was last before
    last_same = {"org": {"A": 80, "B": 65, "C": 90}}
    assert _hits([TWO_YEARS], [this, last_same]) == {("org2", "B")}


def test_two_year_rule_without_last_year_applies_to_nobody():
    this = {"org": {"A": 80, "B": 70}}
    assert _hits([TWO_YEARS], [this, None]) == set()
    assert _hits([TWO_YEARS], [this]) == set()
    assert _hits([TWO_YEARS], [this, {"other": {"B": 1}}]) == set()  # last year had no such indicator
    assert _hits([TWO_YEARS], [this, {"org": {"A": 1}}]) == set()  # B was not assessed last year


def test_hits_carry_each_years_place():
    hit = consequences([TWO_YEARS], [{"org": {"A": 80, "B": 70}}, {"org": {"A": 80, "B": 65, "C": 90}}])[0]
    assert [(p.value, p.rank, p.of) for p in hit.places] == [(70, 2, 2), (65, 3, 3)]


def test_bottom_three_rule():
    this = {"rec": {"A": 90, "B": 72, "C": 70, "D": 85, "E": 60}}
    assert _hits([BOTTOM3], [this]) == {("rec3", "E"), ("rec3", "C"), ("rec3", "B")}


def test_rule_on_a_missing_measure_applies_to_nobody():
    assert _hits([BOTTOM3], [{rules.TOTAL: {"A": 1}}]) == set()


@pytest.mark.parametrize("rating, outcome", [("weak", "kept"), (None, "kept"), ("average", "improved"), ("fairly_good", "removed"), ("good", "removed")])
def test_list_outcome_of_a_listed_village(rating, outcome):
    assert rules.review_outcome(rating) == outcome


def test_proposals_list_the_weak_and_review_the_listed():
    got = rules.review_proposals({"L1", "L2", "L3"}, {"L1": "weak", "L2": "good", "N1": "weak", "N2": "average"})
    assert got == {"L1": "kept", "L2": "removed", "L3": "kept", "N1": "listed"}
