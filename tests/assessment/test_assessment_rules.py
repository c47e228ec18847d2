"""A hand-built assessment of five townships over two years: the ranking (ties explicit) and
exactly the consequences the county's rules define, each turned into a task in the ledger;
re-running adds nothing; the rules are the county's data."""

import datetime as dt

import pytest

from sanwu.assessment import services
from sanwu.assessment.models import Consequence, ConsequenceRule, History
from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.partywork.models import Task

from .conftest import T1, T2, T3, T4, T5, YUEXI, scored_assessment, score_table

#            党建 组织业务 党员发展 集体经济   (weights 30 / 25 / 20 / 25)
YEAR_2020 = score_table("""
T1 90 88 80 90
T2 85 80 75 85
T3 80 78 70 80
T4 75 79 65 70
T5 88 70 78 86
""")
YEAR_2021 = score_table("""
T1 95 90 90 92
T2 88 85 72 90
T3 90 80 70 88
T4 70 82 85 60
T5 85 75 60 80
""")


def _consequences(a):
    return {(c.rule_key, c.unit.region_id) for c in Consequence.objects.filter(assessment=a).select_related("unit")}


def test_ranking_of_the_hand_built_year(demo, five_towns):
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    rows = services.standings(a)
    assert [(r.region.code, r.total_text, r.place.rank) for r in rows] == [
        (T1, "92.00", 1), (T2, "84.55", 2), (T3, "83.00", 3), (T5, "76.25", 4), (T4, "73.50", 5),
    ]
    assert rows[-1].place.is_last and not any(r.place.tied for r in rows)
    org = {r.region.code: r.places["org_work"].rank for r in rows}
    assert org == {T1: 1, T2: 2, T4: 3, T3: 4, T5: 5}


def test_consequences_are_exactly_what_the_rules_define_each_a_task(demo, five_towns):
    y2020 = scored_assessment(demo.county, 2020, YEAR_2020)
    services.finalize(demo.county, y2020)  # last year's result is final; its consequences are not applied
    a = scored_assessment(demo.county, 2021, YEAR_2021)

    done = services.apply_consequences(demo.county, a, applied_on=dt.date(2022, 1, 10))

    assert done.notes == []
    assert _consequences(a) == {
        ("last_overall", T4),  # 党建考核末位: the lowest weighted total
        ("org_work_last_two_years", T5),  # 组织业务 last in 2020 and in 2021
        ("recruitment_bottom_three", T5),  # 党员发展 60
        ("recruitment_bottom_three", T3),  # 70
        ("recruitment_bottom_three", T2),  # 72
    }
    last = Consequence.objects.get(assessment=a, rule_key="last_overall")
    assert last.bars_promotion and last.target == "乡镇党委书记"
    assert "提醒谈话" in last.action and "不列入当年度推荐提拔或重用对象" in last.action
    assert last.basis == "2021年度综合得分 73.50，第5名（共5个，倒数第1）"
    two = Consequence.objects.get(assessment=a, rule_key="org_work_last_two_years")
    assert two.action == "予以调整或免职"
    assert "2021年度组织业务得分 75.00" in two.basis and "2020年度组织业务得分 70.00" in two.basis
    talk = Consequence.objects.get(assessment=a, rule_key="recruitment_bottom_three", unit__region_id=T2)
    assert talk.target == "乡镇党委副书记、组织委员" and talk.action == "约谈"

    # Each consequence is a task in the ledger, at the township, from the assessment.
    for c in Consequence.objects.filter(assessment=a):
        task = Task.objects.get(pk=c.task_id)
        assert task.source_kind == "assessment"
        assert task.origin == f"assessment.consequence:{c.pk}"
        assert task.region_id == c.unit.region_id
        assert task.title == c.task_title
        assert task.deadline == c.deadline == dt.date(2022, 1, 10) + dt.timedelta(days=c.rule.deadline_days)
    assert Task.objects.filter(source_kind="assessment").count() == 5
    a.refresh_from_db()
    assert a.status == "final" and a.consequences_applied_at is not None


def test_applying_twice_records_nothing_new(demo, five_towns):
    services.finalize(demo.county, scored_assessment(demo.county, 2020, YEAR_2020))
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    first = services.apply_consequences(demo.county, a)
    events = AuditEvent.objects.count()
    again = services.apply_consequences(demo.county, a)
    assert len(first.created) == 5 and again.created == [] and len(again.existing) == 5 and again.tasks == 0
    assert Consequence.objects.filter(assessment=a).count() == 5
    assert Task.objects.filter(source_kind="assessment").count() == 5
    assert AuditEvent.objects.count() == events  # nothing happened, nothing recorded
    assert History.objects.filter(kind="assessment", object_id=a.pk, action="consequence").count() == 5
    assert AuditEvent.objects.filter(action="assessment.apply_consequences", object_id=str(a.pk)).count() == 1


def test_two_year_rule_waits_for_a_final_previous_year(demo, five_towns):
    scored_assessment(demo.county, 2020, YEAR_2020)  # scored but not final
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    done = services.apply_consequences(demo.county, a)
    assert ("org_work_last_two_years", T5) not in _consequences(a)
    assert len(_consequences(a)) == 4
    assert done.notes == ["2020年度考核未定稿，规则「组织业务考核连续2年末位」无法判定"]


def test_last_in_organisation_work_only_one_year_is_no_adjustment(demo, five_towns):
    y2020 = {code: dict(row) for code, row in YEAR_2020.items()}
    y2020[T5] = {**y2020[T5], "org_work": "95"}  # T5 was not last in 2020 (T3 was)
    services.finalize(demo.county, scored_assessment(demo.county, 2020, y2020))
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    services.apply_consequences(demo.county, a)
    assert not any(rule == "org_work_last_two_years" for rule, _ in _consequences(a))


def test_ties_for_last_place_share_it(demo, five_towns):
    table = score_table("""
T1 90 90 90 90
T2 80 80 80 80
T3 70 70 70 70
T4 70 70 70 70
T5 85 85 85 85
""")
    a = scored_assessment(demo.county, 2021, table)
    rows = services.standings(a)
    assert [(r.region.code, r.place.rank, r.place.tied) for r in rows] == [
        (T1, 1, False), (T5, 2, False), (T2, 3, False), (T3, 4, True), (T4, 4, True),
    ]
    services.apply_consequences(demo.county, a)
    got = _consequences(a)
    assert {u for r, u in got if r == "last_overall"} == {T3, T4}  # both share last place
    # Bottom three in recruitment: T3 and T4 share last (from the bottom: 1), T2 is third.
    assert {u for r, u in got if r == "recruitment_bottom_three"} == {T2, T3, T4}
    basis = Consequence.objects.get(assessment=a, rule_key="last_overall", unit__region_id=T3).basis
    assert "第4名（共5个，并列，倒数第1）" in basis


def test_a_tie_across_the_boundary_puts_everyone_tied_in_the_bottom_three(demo, five_towns):
    table = score_table("""
T1 90 90 90 90
T2 80 80 70 80
T3 80 80 80 80
T4 80 80 80 80
T5 80 80 60 80
""")
    a = scored_assessment(demo.county, 2021, table)
    services.apply_consequences(demo.county, a)
    assert {u for r, u in _consequences(a) if r == "recruitment_bottom_three"} == {T5, T2, T3, T4}


def test_rules_are_the_countys_data(demo, five_towns):
    services.ensure_county_settings(YUEXI)
    # The county decides: bottom two in recruitment, and a new rule on the collective economy.
    services.save_rule(demo.county, YUEXI, "recruitment_bottom_three", bottom_n=2, name="党员发展考核后2位")
    services.save_rule(
        demo.county, YUEXI, "economy_last", name="集体经济末位", indicator_key="economy", bottom_n=1, years=1,
        target="乡镇党委书记", action="专题约谈",
    )
    services.save_rule(demo.county, YUEXI, "org_work_last_two_years", active=False)
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    services.apply_consequences(demo.county, a)
    assert _consequences(a) == {
        ("last_overall", T4), ("recruitment_bottom_three", T5), ("recruitment_bottom_three", T3), ("economy_last", T4),
    }
    assert Consequence.objects.get(assessment=a, rule_key="recruitment_bottom_three", unit__region_id=T5).rule_name == "党员发展考核后2位"


def test_rule_changes_are_checked_and_only_the_county_may(demo, five_towns):
    services.ensure_county_settings(YUEXI)
    with pytest.raises(Invalid) as exc:
        services.save_rule(demo.county, YUEXI, "x", name="", indicator_key="nope", bottom_n=0, target="t", action="a")
    fields = {p.field for p in exc.value.problems}
    assert fields == {"name", "indicator_key", "bottom_n"}
    for outsider in (demo.township, demo.auditor, demo.secretary):
        with pytest.raises(Refused):
            services.save_rule(outsider, YUEXI, "last_overall", bottom_n=2)
    assert ConsequenceRule.objects.get(county_id=YUEXI, key="last_overall").bottom_n == 1


def test_defaults_are_the_seeds(demo):
    services.ensure_county_settings(YUEXI)
    rules = {r.key: r for r in ConsequenceRule.objects.filter(county_id=YUEXI)}
    assert set(rules) == {"last_overall", "org_work_last_two_years", "recruitment_bottom_three"}
    assert (rules["org_work_last_two_years"].indicator_key, rules["org_work_last_two_years"].years) == ("org_work", 2)
    assert (rules["recruitment_bottom_three"].indicator_key, rules["recruitment_bottom_three"].bottom_n) == ("recruitment", 3)
    a = services.create_assessment(demo.county, YUEXI, 2021)
    assert [(i.name, i.weight) for i in a.indicators.all()] == [("基层党建", 30), ("组织业务", 25), ("党员发展", 20), ("集体经济", 25)]
    assert sorted(a.units.values_list("region_id", flat=True)) == [T1, T2]


def test_cannot_finalise_or_apply_with_scores_missing(demo, five_towns):
    table = {code: dict(row) for code, row in YEAR_2021.items()}
    del table[T3]["economy"]
    a = scored_assessment(demo.county, 2021, table)
    with pytest.raises(Invalid) as exc:
        services.apply_consequences(demo.county, a)
    assert [str(p) for p in exc.value.problems] == ["甲岭镇缺少得分：集体经济"]
    a.refresh_from_db()
    assert a.status == "scoring" and not Consequence.objects.exists()


def test_scores_are_locked_once_final(demo, five_towns):
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    services.finalize(demo.county, a)
    with pytest.raises(Invalid, match="考核已定稿"):
        services.set_scores(demo.county, a, [services.ScoreEntry(T1, "economy", "10")])


def test_outsiders_cannot_score_or_apply(demo, five_towns):
    a = scored_assessment(demo.county, 2021, YEAR_2021)
    for outsider in (demo.township, demo.auditor, demo.secretary, demo.accountant):
        with pytest.raises(Refused):
            services.set_scores(outsider, a, [services.ScoreEntry(T1, "economy", "10")])
        with pytest.raises(Refused):
            services.apply_consequences(outsider, a)
    assert not Consequence.objects.exists()
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.township).exists()
