"""The plan's arithmetic (`rules.plan`) for all inputs: the household amounts sum exactly to the
distributable total, each within one fen of its exact share, ties to the earlier household."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sanwu.coop import rules


@settings(max_examples=200, deadline=None)
@given(
    available=st.integers(min_value=-10**9, max_value=10**12),
    units=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60).filter(lambda u: sum(u) > 0),
    reserve=st.integers(min_value=0, max_value=10_000),
)
def test_household_amounts_always_sum_to_the_distributable_total(available, units, reserve):
    p = rules.plan(available, units, reserve_bp=reserve)
    assert sum(p.amounts) == p.distributable == max(available, 0) - p.reserve
    for u, a in zip(units, p.amounts):
        exact = p.distributable * u / p.total_units
        assert abs(a - exact) < 1
    # equal shares differ by at most a fen, and the earlier holder never gets less
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            if units[i] == units[j]:
                assert 0 <= p.amounts[i] - p.amounts[j] <= 1


def test_a_percentage_as_typed_becomes_basis_points_or_a_problem():
    assert rules.parse_percent_bp("30") == (3000, []) and rules.parse_percent_bp("12.5%") == (1250, [])
    assert rules.parse_percent_bp("") == (None, []) and rules.parse_percent_bp("０") == (0, [])
    for bad in ("120", "-1", "abc", "1.234", "nan"):
        bp, problems = rules.parse_percent_bp(bad)
        assert bp is None and "应为0到100之间的百分比" in problems[0].message
