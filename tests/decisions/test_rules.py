"""The pure checks of 四议两公开, each at its boundaries (integers only, no rounding)."""

import datetime as dt

import pytest

from sanwu.decisions import rules
from sanwu.decisions.rules import Fraction, QuorumRule, StageData

D = dt.date(2025, 3, 1)


def meeting(stage, entitled, present, votes_for, against=0, abstain=0, meeting_type=None, text="纪要"):
    mt = meeting_type or {"committees": "joint_committees", "members_meeting": "party_members", "villagers_meeting": "representatives"}[stage]
    return StageData(date=D, meeting_type=mt, entitled=entitled, present=present, votes_for=votes_for, votes_against=against, votes_abstain=abstain, text=text)


def messages(problems):
    return [p.message for p in problems]


# --- 党员大会审议: ≥ 2/3 present, > 1/2 of those entitled in favour ---------------------------------


def test_members_meeting_exactly_two_thirds_present_passes():
    assert rules.members_meeting_problems(meeting("members_meeting", 30, 20, 16)) == []


def test_members_meeting_just_below_two_thirds_present_fails():
    problems = rules.members_meeting_problems(meeting("members_meeting", 30, 19, 16))
    assert messages(problems) == ["未通过：实到党员 19 人，须达到应到 30 人的三分之二（含）"]
    assert problems[0].field == "实到人数"


def test_members_meeting_two_thirds_of_a_number_not_divisible_by_three():
    # 2/3 of 31 is 20.67: 21 present is enough, 20 is not.
    assert rules.members_meeting_problems(meeting("members_meeting", 31, 21, 16)) == []
    assert "实到党员 20 人" in messages(rules.members_meeting_problems(meeting("members_meeting", 31, 20, 16)))[0]


def test_members_meeting_exactly_half_of_those_entitled_in_favour_fails():
    assert messages(rules.members_meeting_problems(meeting("members_meeting", 30, 30, 15))) == [
        "未通过：同意 15 人，须超过应到党员 30 人的半数"
    ]
    assert rules.members_meeting_problems(meeting("members_meeting", 30, 30, 16)) == []


def test_members_meeting_counts_those_entitled_not_those_present():
    # 20 of 30 present, 11 in favour: a majority of those present, not of those entitled.
    assert messages(rules.members_meeting_problems(meeting("members_meeting", 30, 20, 11))) == [
        "未通过：同意 11 人，须超过应到党员 30 人的半数"
    ]


def test_members_meeting_both_failures_are_reported():
    assert len(rules.members_meeting_problems(meeting("members_meeting", 30, 10, 10))) == 2


# --- 两委商议: more than half of the members entitled in favour -----------------------------------


def test_committees_majority_passes_and_exactly_half_fails():
    assert rules.committees_problems(meeting("committees", 8, 8, 5)) == []
    assert messages(rules.committees_problems(meeting("committees", 8, 8, 4))) == ["未通过：同意 4 人，须超过应到成员 8 人的半数"]
    assert rules.committees_problems(meeting("committees", 7, 6, 4)) == []
    assert rules.committees_problems(meeting("committees", 7, 7, 3)) != []


# --- 村民（代表）会议: legal quorum by meeting type, > 1/2 of those present in favour ----------------


def test_representatives_meeting_default_quorum_is_two_thirds_inclusive():
    assert rules.villagers_meeting_problems(meeting("villagers_meeting", 45, 30, 16)) == []
    problems = messages(rules.villagers_meeting_problems(meeting("villagers_meeting", 45, 29, 16)))
    assert problems == ["未通过：到会 29，须三分之二以上（含）村民代表会议组成人员 45（法定默认）"]


def test_villagers_meeting_needs_more_than_half_of_adult_villagers():
    assert rules.villagers_meeting_problems(meeting("villagers_meeting", 100, 51, 26, meeting_type="villagers")) == []
    assert len(rules.villagers_meeting_problems(meeting("villagers_meeting", 100, 50, 26, meeting_type="villagers"))) == 1


def test_household_representatives_meeting_needs_two_thirds_of_households():
    assert rules.villagers_meeting_problems(meeting("villagers_meeting", 60, 40, 21, meeting_type="households")) == []
    assert len(rules.villagers_meeting_problems(meeting("villagers_meeting", 60, 39, 21, meeting_type="households"))) == 1


def test_villagers_meeting_exactly_half_of_those_present_in_favour_fails():
    assert messages(rules.villagers_meeting_problems(meeting("villagers_meeting", 45, 30, 15))) == ["未通过：同意 15 人，须超过到会 30 人的半数"]
    assert rules.villagers_meeting_problems(meeting("villagers_meeting", 45, 30, 16)) == []


def test_a_county_rule_replaces_the_default_quorum():
    half = QuorumRule("representatives", Fraction(1, 2, strict=True), source="岳西县规定")
    assert rules.villagers_meeting_problems(meeting("villagers_meeting", 45, 23, 12), half) == []
    problems = messages(rules.villagers_meeting_problems(meeting("villagers_meeting", 44, 22, 12), half))
    assert problems == ["未通过：到会 22，须超过半数村民代表会议组成人员 44（岳西县规定）"]


def test_villagers_meeting_type_must_be_one_of_the_five():
    problems = messages(rules.villagers_meeting_problems(meeting("villagers_meeting", 45, 30, 16, meeting_type="party_members")))
    assert problems == ["会议形式应为：村民代表会议、村民会议、户代表会议、集体经济组织成员大会、集体经济组织成员代表大会"]


# --- Counts that do not fit together ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("entitled", "present", "votes", "expected"),
    [
        (30, 31, (16, 0, 0), "实到人数 31 超过应到党员 30"),
        (30, 24, (20, 3, 2), "同意、反对、弃权合计 25 超过实到人数 24"),
        (0, 0, (0, 0, 0), "应到党员不能为0"),
        (None, 24, (20, 0, 0), "请填写应到党员"),
        (30, -1, (20, 0, 0), "实到人数应为不小于0的整数"),
        (30, True, (20, 0, 0), "实到人数应为不小于0的整数"),
    ],
)
def test_counts_must_fit_together(entitled, present, votes, expected):
    d = meeting("members_meeting", entitled, present, *votes)
    assert expected in messages(rules.members_meeting_problems(d))


def test_text_and_meeting_type_are_required():
    d = StageData(date=D, meeting_type="", entitled=30, present=24, votes_for=20, votes_against=0, votes_abstain=0, text="  ")
    assert messages(rules.members_meeting_problems(d)) == ["会议形式应为：党员大会", "请填写审议意见（会议纪要）"]


def test_proposal_needs_its_text_and_counts_only_when_given():
    assert rules.stage_problems("proposal", StageData(date=D, meeting_type="branch_committee", text="提议")) == []
    assert messages(rules.stage_problems("proposal", StageData(date=D, meeting_type="branch_committee"))) == ["请填写提议内容"]
    bad = StageData(date=D, meeting_type="branch_committee", entitled=3, present=5, text="提议")
    assert messages(rules.stage_problems("proposal", bad)) == ["实到人数 5 超过应到委员 3"]


def test_publications_need_the_text_and_a_channel():
    assert rules.stage_problems("resolution_published", StageData(date=D, text="决议", channel="notice_board")) == []
    assert messages(rules.stage_problems("result_published", StageData(date=D))) == [
        "请填写实施结果",
        "请选择公开渠道（村务公开栏、三务平台村务公开页、村广播、村民微信群、村民会议公布、其他）",
    ]


def test_checks_name_what_passed_too():
    checks = rules.stage_checks("members_meeting", meeting("members_meeting", 30, 20, 16))
    assert [(c.label, c.ok) for c in checks if c.rule] == [
        ("实到党员 20 人，须达到应到 30 人的三分之二（含）", True),
        ("同意 16 人，须超过应到党员 30 人的半数", True),
    ]


def test_stage_order_and_the_merged_first_steps():
    assert rules.stage_order(False)[0] == "proposal" and len(rules.stage_order(False)) == 6
    assert rules.stage_order(True)[0] == "committees" and len(rules.stage_order(True)) == 5
    assert rules.next_stage(set(), False) == "proposal"
    assert rules.next_stage(set(), True) == "committees"
    assert rules.next_stage({"proposal", "committees"}, False) == "members_meeting"
    assert rules.next_stage(set(rules.STAGE_KEYS), False) is None


def test_fractions_are_exact():
    assert Fraction(2, 3, False).met(2, 3) and not Fraction(2, 3, True).met(2, 3)
    assert Fraction(1, 2, True).met(51, 100) and not Fraction(1, 2, True).met(50, 100)
    assert Fraction(2, 3, False).label == "三分之二以上（含）" and Fraction(1, 2, True).label == "超过半数"
    assert rules.DEFAULT_QUORUM["representatives"].label == "村民代表会议：到会三分之二以上（含）的组成人员，到会人员过半数同意"
