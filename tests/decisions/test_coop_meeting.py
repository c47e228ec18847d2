"""The cooperative's members' meeting (成员大会) and representatives' meeting at the decision stage
of 四议两公开, with the 农村集体经济组织法's rules: Art. 27 (10 days' notice, 2/3 present, 2/3 of
ALL members in favour), Art. 28 (2/3 of ALL representatives; never confirming members or
quantifying shares), Art. 15 (3/4 for a non-member's income rights)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanwu.budgets import rules as budget_rules
from sanwu.decisions import rules, services
from sanwu.decisions.rules import StageData
from sanwu.core.errors import Invalid

from .conftest import advance, good

MEETING = dt.date(2025, 3, 16)


def data(meeting_type="coop_members", entitled=90, present=70, votes_for=60, notice=dt.date(2025, 3, 5), **kw) -> StageData:
    return StageData(
        date=MEETING, meeting_type=meeting_type, entitled=entitled, present=present, votes_for=votes_for, votes_against=0,
        votes_abstain=0, text="成员大会决议：确认成员名册。", notice_date=notice, **kw,
    )


def failed(d, purpose=""):
    return [c.label for c in rules.stage_checks("villagers_meeting", d, None, purpose) if not c.ok]


def test_a_members_meeting_that_meets_article_27_passes():
    assert failed(data()) == []


def test_ten_days_notice_two_thirds_present_two_thirds_of_all_in_favour():
    assert any("须提前10日" in f for f in failed(data(notice=dt.date(2025, 3, 7))))  # 9 days
    assert failed(data(notice=dt.date(2025, 3, 6))) == []  # exactly 10
    assert any("请填写会议通知日期" in f for f in failed(data(notice=None)))
    assert any("三分之二以上成员出席" in f for f in failed(data(present=59, votes_for=59)))  # 59 × 3 < 180
    assert failed(data(present=60, votes_for=60)) == []
    # two thirds of ALL members, not of those present: 59 of 90 fails although 59 of 70 present agreed
    assert any("须经全体成员三分之二以上同意" in f for f in failed(data(votes_for=59)))


def test_income_rights_for_a_non_member_need_three_quarters():
    assert failed(data(votes_for=67), "income_rights") and failed(data(votes_for=68), "income_rights") == []


def test_a_representatives_meeting_never_confirms_members_or_quantifies_shares():
    reps = data("coop_representatives", entitled=30, present=25, votes_for=20, notice=None)
    assert failed(reps) == []  # any other matter: 2/3 of ALL representatives, no notice rule here
    assert any("须经全体成员代表三分之二以上同意" in f for f in failed(data("coop_representatives", entitled=30, present=30, votes_for=19)))
    for purpose in ("membership", "quantification"):
        assert any("成员代表大会不得决定" in f for f in failed(reps, purpose))
    assert failed(data(), "membership") == []


@given(entitled=st.integers(1, 3000), present=st.integers(0, 3000), votes=st.integers(0, 3000))
def test_the_thresholds_are_exact_in_integers(entitled, present, votes):
    present, votes = min(present, entitled), min(votes, present, entitled)
    d = data(entitled=entitled, present=present, votes_for=votes)
    checks = {c.field: c.ok for c in rules.coop_meeting_checks(d) if c.rule}
    assert checks["present"] == (3 * present >= 2 * entitled)
    assert checks["votes_for"] == (3 * votes >= 2 * entitled)
    three_q = {c.field: c.ok for c in rules.coop_meeting_checks(d, "income_rights") if c.rule}
    assert three_q["votes_for"] == (4 * votes >= 3 * entitled)


def test_the_budgets_use_the_same_rules():
    assert budget_rules.meeting_problems(budget_rules.Meeting("members", 90, 70, 60)) == []
    assert [p.message for p in budget_rules.meeting_problems(budget_rules.Meeting("members", 90, 70, 59))] == [
        p.message for p in rules.coop_meeting_problems(data(votes_for=59), notice=False)
    ]


@pytest.fixture
def coop_matter(demo, village):
    return services.create_matter(demo.secretary, village, "确认本集体经济组织成员名册", "other", purpose="membership", year=2025)


def test_recorded_at_the_decision_stage_with_its_notice_date(demo, coop_matter):
    advance(demo.secretary, coop_matter, "members_meeting")
    reps = good("villagers_meeting", meeting_type="coop_representatives", entitled=30, present=28, votes_for=25)
    with pytest.raises(Invalid, match="成员代表大会不得决定"):
        services.record_stage(demo.secretary, coop_matter, "villagers_meeting", reps)
    when = good("villagers_meeting").date
    early = good("villagers_meeting", meeting_type="coop_members", entitled=90, present=70, votes_for=64, notice_date=when - dt.timedelta(days=3))
    with pytest.raises(Invalid, match="须提前10日"):
        services.record_stage(demo.secretary, coop_matter, "villagers_meeting", early)
    ok = good("villagers_meeting", meeting_type="coop_members", entitled=90, present=70, votes_for=64, notice_date=when - dt.timedelta(days=12))
    rec = services.record_stage(demo.secretary, coop_matter, "villagers_meeting", ok)
    assert rec.notice_date == when - dt.timedelta(days=12) and rec.get_meeting_type_display() == "集体经济组织成员大会"
    assert all(c["ok"] for c in rec.checks) and len(rec.checks) == 3
