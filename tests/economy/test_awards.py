"""Incentives: volume and increment awards by rule; the cadre reward only with the village's
resolution and the township's approval, frozen when approved, with its trail; the award list."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.core.errors import Invalid, Refused
from sanwu.core.models import AuditEvent
from sanwu.economy import services
from sanwu.economy.models import CadreReward, CadreRewardEvent, Resolution
from sanwu.ledger import services as ledger
from sanwu.regions.models import Region
from tests.ledger.journal import parse

from .conftest import TOWN1, V1, V2, V4, V6, YUEXI

TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def resolve(user, village=V1, year=2025):
    return services.record_resolution(user, village, year, dt.date(2026, 3, 1), "村民代表会议决议：按增量的20%奖励村干部。")


def test_no_resolution_no_approval(hand):
    with pytest.raises(Invalid, match="尚未录入2025年度村干部奖励的村级决议"):
        services.approve_cadre_reward(hand.demo.township, V1, 2025)
    assert not CadreReward.objects.exists()


def test_resolution_then_township_approval_freezes_the_amount(hand, media):
    demo = hand.demo
    r = resolve(demo.secretary)
    assert AuditEvent.objects.filter(action="economy.resolution.add", actor=demo.secretary, region_code=V1).exists()
    reward = services.approve_cadre_reward(demo.township, V1, 2025, "经审核同意")
    assert (reward.status, reward.amount, reward.increase) == ("approved", 5_000_011, 25_000_057)
    assert (reward.operating_income, reward.prev_operating_income, reward.rate_bp, reward.cap) == (70_000_055, 44_999_998, 2000, 10_000_000)
    assert reward.resolution == r and reward.decided_by == demo.township
    ev = CadreRewardEvent.objects.get(reward=reward)
    assert (ev.action, ev.from_status, ev.to_status, ev.amount, ev.actor) == ("approve", "", "approved", 5_000_011, demo.township)
    audit = AuditEvent.objects.get(action="economy.cadre_reward.approve")
    assert audit.new["amount"] == 5_000_011 and audit.region_code == V1
    with pytest.raises(Invalid, match="已核准"):
        services.approve_cadre_reward(demo.township, V1, 2025)

    # The books move later (a late 2025 voucher): the approved amount stays, the list flags it.
    ledger.post_drafts(None, hand.books[V1], parse("2025-12-20 补记销售收入\n  102 100000.00 - bank\n  501 - 100000.00 sales\n"))
    row = next(a for a in services.award_rows(demo.county, Region.objects.get(code=YUEXI), 2025) if a.village.code == V1)
    assert row.cadre == 7_000_011 and row.cadre_granted == 5_000_011 and row.changed_since

    # The county revokes; the township may decide again (at today's figure).
    services.revoke_cadre_reward(demo.county, V1, 2025, "补记收入后重新核定")
    again = services.approve_cadre_reward(demo.township, V1, 2025)
    assert again.amount == 7_000_011
    assert [(e.action, e.from_status, e.to_status) for e in services.reward_events(demo.county, V1, 2025)] == [
        ("approve", "", "approved"), ("revoke", "approved", "revoked"), ("approve", "revoked", "approved"),
    ]
    with pytest.raises(Invalid, match="不能删除"):
        services.delete_resolution(demo.secretary, r)


def test_who_may_decide(hand):
    demo = hand.demo
    resolve(demo.secretary)
    for user in (demo.county, demo.auditor, demo.other_township, demo.accountant, demo.secretary, demo.city):
        with pytest.raises(Refused):
            services.approve_cadre_reward(user, V1, 2025)
    with pytest.raises(Refused):
        resolve(demo.other_accountant)  # another village's accountant
    with pytest.raises(Refused):
        services.revoke_cadre_reward(demo.township, V1, 2025, "越权")
    assert not CadreReward.objects.exists()
    assert AuditEvent.objects.filter(action="permission_denied", object_type="economy.核准村干部奖励", actor=demo.auditor).exists()


def test_no_increase_no_reward_and_reject_needs_a_reason(hand):
    demo = hand.demo
    resolve(demo.township, V2)  # the township may record it for its village
    resolve(demo.township, V2)  # a second resolution: the latest counts
    with pytest.raises(Invalid, match="没有增加"):
        services.approve_cadre_reward(demo.township, V2, 2025)
    with pytest.raises(Invalid, match="原因"):
        services.reject_cadre_reward(demo.township, V2, 2025, " ")
    r = services.reject_cadre_reward(demo.township, V2, 2025, "经营性收入下降")
    assert r.status == "rejected" and r.amount == 0
    with pytest.raises(Invalid, match="未核准"):
        services.reject_cadre_reward(demo.township, V2, 2025, "再次")


def test_award_list_and_excel(hand, as_user):
    demo = hand.demo
    resolve(demo.secretary)
    services.record_resolution(demo.other_township, V6, 2025, dt.date(2026, 2, 2), "五河镇代录：村民代表会议决议")
    services.approve_cadre_reward(demo.township, V1, 2025)
    services.approve_cadre_reward(demo.other_township, V6, 2025)
    c = as_user(demo.county)
    resp = c.get(reverse("economy:awards"), {"region": YUEXI, "year": 2025})
    html = resp.content.decode()
    assert resp.status_code == 200 and "已核准" in html and "待村级决议" in html
    ws = load_workbook(io.BytesIO(c.get(reverse("economy:awards"), {"region": YUEXI, "year": 2025, "format": "xlsx"}).content)).active
    rows = [dict(zip([x.value for x in ws[1]], [x.value for x in r])) for r in ws.iter_rows(min_row=2)]
    by = {r["村代码"]: r for r in rows}
    assert set(by) == {V1, V4, "340828101201", V6}
    assert by[V6]["村干部奖励（已核准）"] == 100000 and by[V6]["核准状态"] == "已核准" and by[V6]["体量奖"] == 50000
    assert by[V1]["村干部奖励（已核准）"] == 50000.11 and by[V1]["奖励合计"] == 80000.11  # 2万 + 1万 + 50,000.11
    assert by[V4]["核准状态"] == "待村级决议" and by[V4]["村干部奖励（按规则）"] == 8000
    # township 1 sees its own villages' awards only
    ws = load_workbook(io.BytesIO(as_user(demo.township).get(reverse("economy:awards"), {"region": TOWN1, "year": 2025, "format": "xlsx"}).content)).active
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [V1]


def test_approval_through_the_pages(hand, as_user, media):
    demo = hand.demo
    sec = as_user(demo.secretary)
    page = sec.get(reverse("economy:resolutions"))
    assert page.status_code == 200 and "保存决议" in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = sec.post(reverse("economy:resolutions") + f"?region={V1}", {
        "village": V1, "year": "2025", "date": "2026-03-01", "text": "村民代表会议决议：奖励村干部",
        "attachment": SimpleUploadedFile("决议.pdf", TINY_PDF, content_type="application/pdf"),
    })
    assert resp.status_code == 302
    res = Resolution.objects.get(village_id=V1)
    assert res.attachment_type == "application/pdf" and res.attachment_name == "决议.pdf"
    f = as_user(demo.township).get(reverse("economy:resolution_file", args=[res.pk]))
    assert f.status_code == 200 and b"".join(f.streaming_content) == TINY_PDF
    assert as_user(demo.other_accountant).get(reverse("economy:resolution_file", args=[res.pk])).status_code == 404
    # a bad attachment is refused, nothing saved
    resp = sec.post(reverse("economy:resolutions"), {"village": V1, "year": "2025", "date": "2026-03-01", "text": "x",
                                                     "attachment": SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/octet-stream")})
    assert resp.status_code == 200 and "不是 JPEG、PNG 或 PDF" in resp.content.decode() and Resolution.objects.count() == 1

    url = reverse("economy:award_action", args=[V1, 2025, "approve"])
    assert as_user(demo.other_township).post(url).status_code == 404
    assert as_user(demo.auditor).post(url).status_code == 403
    assert as_user(demo.county).post(url).status_code == 403
    assert not CadreReward.objects.exists()
    detail = as_user(demo.township).get(reverse("economy:award", args=[V1, 2025]))
    assert detail.status_code == 200 and "核准" in detail.content.decode() and "data-confirm" in detail.content.decode()
    resp = as_user(demo.township).post(url, {"reason": "同意"})
    assert resp.status_code == 302 and CadreReward.objects.get().status == "approved"
    html = as_user(demo.secretary).get(reverse("economy:award", args=[V1, 2025])).content.decode()
    assert "已核准" in html and "50,000.11" in html and "核准</td>" in html  # the trail
    assert as_user(demo.other_accountant).get(reverse("economy:award", args=[V1, 2025])).status_code == 404
    # delete refused once approved
    resp = sec.post(reverse("economy:resolution_delete", args=[res.pk]))
    assert resp.status_code == 302 and Resolution.objects.filter(pk=res.pk).exists()


def test_a_village_user_may_not_record_for_another_village(hand, as_user):
    resp = as_user(hand.demo.other_accountant).post(reverse("economy:resolutions"), {"village": V1, "year": "2025", "date": "2026-03-01", "text": "x"})
    assert resp.status_code == 200 and not Resolution.objects.exists()  # V1 is not among its choices
    with pytest.raises(Invalid, match="晚于今天"):
        services.record_resolution(hand.demo.secretary, V1, 2025, dt.date(2999, 1, 1), "x")
