"""Incentives: volume and increment awards by rule; the cadre reward only with the village's
completed 四议两公开 decision on it and the township's approval, frozen when approved, with its
trail; the award list."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.decisions import services as decisions
from sanwu.decisions.rules import StageData
from sanwu.economy import services
from sanwu.economy.models import CadreReward, CadreRewardEvent
from sanwu.ledger import services as ledger
from sanwu.regions.models import Region
from tests.ledger.journal import parse

from .conftest import TOWN1, V1, V2, V4, V6, YUEXI, decide

NO_DECISION = "大歇村没有已完成的2025年度村干部奖励“四议两公开”决策"


def test_no_decision_no_approval(hand):
    with pytest.raises(Invalid, match=NO_DECISION):
        services.approve_cadre_reward(hand.demo.township, V1, 2025)
    assert not CadreReward.objects.exists() and not CadreRewardEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="economy.cadre_reward.approve").exists()


@pytest.mark.parametrize("upto", ["proposal", "members_meeting", "villagers_meeting"])
def test_a_decision_still_in_progress_is_not_enough(hand, upto):
    """Voted by the villagers' meeting but not yet published is not a completed decision."""
    m = decide(hand.demo.secretary, upto=upto)
    assert m.stage == upto and m.decided_on is None
    with pytest.raises(Invalid, match=NO_DECISION):
        services.approve_cadre_reward(hand.demo.township, V1, 2025)
    assert not CadreReward.objects.exists()


@pytest.mark.parametrize(
    "other",
    [
        {"year": 2024},  # last year's reward
        {"purpose": "expenditure", "title": "村级道路硬化工程"},  # another purpose
        {"village": V2},  # another village (the township's own, recorded by the system operator)
    ],
    ids=["another-year", "another-purpose", "another-village"],
)
def test_a_completed_decision_on_something_else_is_not_enough(hand, other):
    user = None if other.get("village") else hand.demo.secretary
    m = decide(user, **other)
    assert m.decided_on is not None  # completed, just not this one
    with pytest.raises(Invalid, match=NO_DECISION):
        services.approve_cadre_reward(hand.demo.township, V1, 2025)
    assert not CadreReward.objects.exists()


def test_an_abandoned_decision_does_not_count(hand):
    demo = hand.demo
    m = decide(demo.secretary)
    decisions.abandon(demo.secretary, m, "方案需重新测算")
    with pytest.raises(Invalid, match=NO_DECISION):
        services.approve_cadre_reward(demo.township, V1, 2025)
    assert services.decision_for(V1, 2025) is None


def test_decision_then_township_approval_freezes_the_amount(hand):
    demo = hand.demo
    m = decide(demo.secretary)
    reward = services.approve_cadre_reward(demo.township, V1, 2025, "经审核同意")
    assert (reward.status, reward.amount, reward.increase) == ("approved", 5_000_011, 25_000_057)
    assert (reward.operating_income, reward.prev_operating_income, reward.rate_bp, reward.cap) == (70_000_055, 44_999_998, 2000, 10_000_000)
    assert reward.matter == m and reward.decided_by == demo.township
    assert CadreReward.objects.get().matter_id == m.pk
    ev = CadreRewardEvent.objects.get(reward=reward)
    assert (ev.action, ev.from_status, ev.to_status, ev.amount, ev.actor) == ("approve", "", "approved", 5_000_011, demo.township)
    audit = AuditEvent.objects.get(action="economy.cadre_reward.approve")
    assert audit.new["amount"] == 5_000_011 and audit.new["matter"] == m.pk and audit.region_code == V1
    with pytest.raises(Invalid, match="已核准"):
        services.approve_cadre_reward(demo.township, V1, 2025)

    # The books move later (a late 2025 voucher): the approved amount stays, the list flags it.
    ledger.post_drafts(None, hand.books[V1], parse("2025-12-20 补记销售收入\n  102 100000.00 - bank\n  501 - 100000.00 sales\n"))
    row = next(a for a in services.award_rows(demo.county, Region.objects.get(code=YUEXI), 2025) if a.village.code == V1)
    assert row.cadre == 7_000_011 and row.cadre_granted == 5_000_011 and row.changed_since
    assert row.basis == m and row.row()["decision_id"] == m.pk and row.row()["resolution_date"] == m.decided_on

    # The county revokes; the township may decide again (at today's figure).
    services.revoke_cadre_reward(demo.county, V1, 2025, "补记收入后重新核定")
    again = services.approve_cadre_reward(demo.township, V1, 2025)
    assert again.amount == 7_000_011 and again.matter == m
    assert [(e.action, e.from_status, e.to_status) for e in services.reward_events(demo.county, V1, 2025)] == [
        ("approve", "", "approved"), ("revoke", "approved", "revoked"), ("approve", "revoked", "approved"),
    ]


def test_a_decision_abandoned_after_the_approval_is_flagged_until_the_county_revokes(hand, as_user):
    demo = hand.demo
    m = decide(demo.secretary)  # resolution published, result not yet: may still be abandoned
    services.approve_cadre_reward(demo.township, V1, 2025)
    decisions.abandon(demo.secretary, m, "上级审计发现方案测算有误")
    row = next(a for a in services.award_rows(demo.county, Region.objects.get(code=YUEXI), 2025) if a.village.code == V1)
    assert row.status == "approved" and row.basis == m and row.basis_abandoned and row.matter is None
    c = as_user(demo.county)
    assert "依据的决策已终止" in c.get(reverse("economy:awards"), {"region": YUEXI, "year": 2025}).content.decode()
    assert "该决策已于核准后终止" in c.get(reverse("economy:award", args=[V1, 2025])).content.decode()
    services.revoke_cadre_reward(demo.county, V1, 2025, "依据的决策已终止")
    with pytest.raises(Invalid, match=NO_DECISION):
        services.approve_cadre_reward(demo.township, V1, 2025)
    row = next(a for a in services.award_rows(demo.county, Region.objects.get(code=YUEXI), 2025) if a.village.code == V1)
    assert row.status == "revoked" and not row.basis_abandoned and row.cadre_granted == 0


def test_the_latest_completed_decision_counts_and_the_result_stage_too(hand):
    """Two completed decisions for the year: the one whose resolution was published last."""
    demo = hand.demo
    first = decide(demo.secretary, upto="result_published", title="2025年度村干部奖励方案（初稿）")
    assert first.status == "completed"
    later = decide(demo.secretary, title="2025年度村干部奖励方案（修订）")
    decisions.record_stage(demo.secretary, later, "resolution_published", StageData(
        date=later.decided_on + dt.timedelta(days=1), channel="notice_board", text="决议再次公开：修订后的奖励方案。",
    ), correction_reason="补充公开修订后的方案")
    later.refresh_from_db()
    assert later.decided_on > first.decided_on
    assert services.decision_for(V1, 2025) == later
    assert services.approve_cadre_reward(demo.township, V1, 2025).matter == later


def test_who_may_decide(hand):
    demo = hand.demo
    decide(demo.secretary)
    # another township's supervisor and the village's own accountant above all; nor anyone else
    for user in (demo.other_township, demo.accountant, demo.other_accountant, demo.county, demo.auditor, demo.secretary, demo.city):
        with pytest.raises(Refused):
            services.approve_cadre_reward(user, V1, 2025)
        with pytest.raises(Refused):
            services.reject_cadre_reward(user, V1, 2025, "越权")
    with pytest.raises(Refused):
        services.revoke_cadre_reward(demo.township, V1, 2025, "越权")
    assert not CadreReward.objects.exists()
    for user in (demo.other_township, demo.accountant):
        assert AuditEvent.objects.filter(action="permission_denied", object_type="economy.核准村干部奖励", actor=user).exists()


def test_no_increase_no_reward_and_reject_needs_a_reason(hand):
    demo = hand.demo
    m = decide(None, V2)  # V2 has no secretary: the system operator records it
    with pytest.raises(Invalid, match="没有增加"):
        services.approve_cadre_reward(demo.township, V2, 2025)
    with pytest.raises(Invalid, match="原因"):
        services.reject_cadre_reward(demo.township, V2, 2025, " ")
    r = services.reject_cadre_reward(demo.township, V2, 2025, "经营性收入下降")
    assert r.status == "rejected" and r.amount == 0 and r.matter == m
    with pytest.raises(Invalid, match="未核准"):
        services.reject_cadre_reward(demo.township, V2, 2025, "再次")


def test_award_list_and_excel(hand, as_user):
    demo = hand.demo
    m1 = decide(demo.secretary)
    m6 = decide(None, V6)
    services.approve_cadre_reward(demo.township, V1, 2025)
    services.approve_cadre_reward(demo.other_township, V6, 2025)
    c = as_user(demo.county)
    resp = c.get(reverse("economy:awards"), {"region": YUEXI, "year": 2025})
    html = resp.content.decode()
    assert resp.status_code == 200 and "已核准" in html and "待四议两公开决策" in html
    assert f'href="{reverse("decisions:detail", args=[m1.pk])}"' in html and m1.title in html
    ws = load_workbook(io.BytesIO(c.get(reverse("economy:awards"), {"region": YUEXI, "year": 2025, "format": "xlsx"}).content)).active
    rows = [dict(zip([x.value for x in ws[1]], [x.value for x in r])) for r in ws.iter_rows(min_row=2)]
    by = {r["村代码"]: r for r in rows}
    assert set(by) == {V1, V4, "340828101201", V6}
    assert by[V6]["村干部奖励（已核准）"] == 100000 and by[V6]["核准状态"] == "已核准" and by[V6]["体量奖"] == 50000
    assert by[V6]["决策编号"] == m6.pk and by[V6]["四议两公开决策"] == m6.title and by[V6]["决策页面"] == f"/decisions/{m6.pk}/"
    assert by[V1]["村干部奖励（已核准）"] == 50000.11 and by[V1]["奖励合计"] == 80000.11  # 2万 + 1万 + 50,000.11
    assert str(by[V1]["决议公开日期"])[:10] == m1.decided_on.isoformat()
    assert by[V4]["核准状态"] == "待四议两公开决策" and by[V4]["村干部奖励（按规则）"] == 8000 and by[V4]["四议两公开决策"] in ("", None)
    # township 1 sees its own villages' awards only
    ws = load_workbook(io.BytesIO(as_user(demo.township).get(reverse("economy:awards"), {"region": TOWN1, "year": 2025, "format": "xlsx"}).content)).active
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [V1]


def test_approval_through_the_pages(hand, as_user):
    demo = hand.demo
    # Without a decision: the township has no approve button; the secretary is sent to the decisions app.
    page = as_user(demo.secretary).get(reverse("economy:award", args=[V1, 2025])).content.decode()
    assert "在四议两公开中发起决策" in page and f'href="{reverse("decisions:new")}"' in page
    page = as_user(demo.township).get(reverse("economy:award", args=[V1, 2025])).content.decode()
    assert "还没有已完成的2025年度村干部奖励" in page and "在四议两公开中发起决策" not in page
    assert reverse("economy:award_action", args=[V1, 2025, "approve"]) not in page
    resp = as_user(demo.township).post(reverse("economy:award_action", args=[V1, 2025, "approve"]))
    assert resp.status_code == 302 and not CadreReward.objects.exists()

    m = decide(demo.secretary)
    url = reverse("economy:award_action", args=[V1, 2025, "approve"])
    assert as_user(demo.other_township).post(url).status_code == 404
    assert as_user(demo.accountant).post(url).status_code == 403
    assert as_user(demo.auditor).post(url).status_code == 403
    assert as_user(demo.county).post(url).status_code == 403
    assert not CadreReward.objects.exists()
    detail = as_user(demo.township).get(reverse("economy:award", args=[V1, 2025])).content.decode()
    assert url in detail and "data-confirm" in detail and m.title in detail
    assert f'href="{reverse("decisions:detail", args=[m.pk])}"' in detail
    resp = as_user(demo.township).post(url, {"reason": "同意"})
    assert resp.status_code == 302 and CadreReward.objects.get().status == "approved" and CadreReward.objects.get().matter == m
    html = as_user(demo.secretary).get(reverse("economy:award", args=[V1, 2025])).content.decode()
    assert "已核准" in html and "50,000.11" in html and "核准</td>" in html and "核准依据" in html  # the trail
    assert as_user(demo.other_accountant).get(reverse("economy:award", args=[V1, 2025])).status_code == 404


def test_the_resolution_pages_are_gone(hand, as_user):
    c = as_user(hand.demo.secretary)
    assert c.get("/economy/resolutions/").status_code == 404
    assert "村级决议" not in c.get(reverse("economy:awards"), {"region": V1, "year": 2025}).content.decode()
