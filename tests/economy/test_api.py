"""/api/v1/economy/…: figures, summaries, trends, awards and approvals, the brief, the rules —
behind the scope gate (outsiders 404, read-only and wrong roles 403, no token 401)."""

import json

from django.test import Client

from sanwu.core.models import AuditEvent
from sanwu.economy.models import CadreReward, EconomySettings
from tests.conftest import response_bytes

from .conftest import TOWN1, V1, V2, V4, V6, YUEXI, api_for, decide


def body(resp):
    text = resp.content.decode()
    assert "\\u" not in text, text
    return json.loads(text)


def test_villages_and_summary(hand):
    c = api_for(hand.demo.county)
    resp = c.get("/api/v1/economy/villages", {"region": YUEXI, "year": 2025})
    assert resp.status_code == 200
    rows = body(resp)
    assert [r["code"] for r in rows] == [V6, V1, "340828101201", V2, V4, "340828100202"]
    v1 = rows[1]
    assert (v1["operating_income_fen"], v1["operating_return_fen"], v1["total_income_fen"], v1["pv_income_fen"], v1["subsidy_income_fen"]) == (
        70_000_055, 52_000_025, 90_000_055, 10_000_000, 20_000_000)
    assert v1["class"] == "strong" and v1["tier"] == "50万" and v1["pv_share"] == "14.3" and v1["operating_income_change_fen"] == 25_000_057
    s = body(c.get("/api/v1/economy/summary", {"region": YUEXI, "year": 2025}))
    assert s["summary"]["classes"] == {"hollow": 1, "pv_only": 1, "weak": 1, "general": 1, "strong": 2}
    assert s["summary"]["average_operating_income_fen"] == 41_166_686 and s["summary"]["top_code"] == V6
    assert [(t["count"], t["target"]) for t in s["summary"]["tiers"]] == [(3, 100), (2, 50), (1, 10)]
    assert [ch["code"] for ch in s["children"]] == [TOWN1, "340828101000"]
    t = body(c.get("/api/v1/economy/trends", {"region": YUEXI, "from_year": 2024, "to_year": 2025}))
    assert [x["year"] for x in t] == [2024, 2025] and t[0]["classes"]["weak"] == 2


def test_report_is_what_the_cli_prints(hand):
    c = api_for(hand.demo.county)
    resp = c.get("/api/v1/economy/report", {"region": YUEXI, "year": 2025, "format": "csv"})
    assert resp.streaming
    lines = response_bytes(resp).decode().splitlines()
    assert lines[0] == "code,name,operating_income,operating_return,total_income,pv_income,subsidy_income,class,tier"
    assert lines[1].startswith("340828100200,大歇村,700000.55,520000.25,900000.55,100000.00,200000.00,strong,50万")
    assert len(lines) == 7
    assert c.get("/api/v1/economy/report", {"region": YUEXI, "year": 2025, "format": "pdf"}).status_code == 422


def test_outsiders(hand, client):
    demo = hand.demo
    for user, region in ((demo.other_township, TOWN1), (demo.township, YUEXI), (demo.other_accountant, V1), (demo.accountant, YUEXI)):
        c = api_for(user)
        for path in ("villages", "summary", "awards", "report"):
            resp = c.get(f"/api/v1/economy/{path}", {"region": region, "year": 2025})
            assert resp.status_code == 404, (user.username, path)
            assert body(resp) == {"detail": "未找到，或不在您的管辖范围内"}
        assert c.get("/api/v1/economy/brief", {"region": region, "year": 2025}).status_code == 404
    own = body(api_for(demo.accountant).get("/api/v1/economy/villages", {"region": V1, "year": 2025}))
    assert [r["code"] for r in own] == [V1]
    assert Client().get("/api/v1/economy/villages", {"region": YUEXI}).status_code == 401
    assert api_for(demo.county).get("/api/v1/economy/villages", {"region": YUEXI, "year": "x"}).status_code == 422


def test_approval_through_the_api(hand):
    demo = hand.demo
    url = f"/api/v1/economy/awards/{V1}/2025/approve"
    # without a completed 四议两公开 decision: refused in Chinese, nothing written
    resp = api_for(demo.township).post(url, {}, content_type="application/json")
    assert resp.status_code == 422 and "没有已完成的2025年度村干部奖励“四议两公开”决策" in body(resp)["detail"][0]
    m = decide(demo.secretary)
    assert api_for(demo.auditor).post(url, {}, content_type="application/json").status_code == 403
    assert api_for(demo.county).post(url, {}, content_type="application/json").status_code == 403
    assert api_for(demo.accountant).post(url, {}, content_type="application/json").status_code == 403
    assert api_for(demo.other_township).post(url, {}, content_type="application/json").status_code == 404
    assert not CadreReward.objects.exists()
    resp = api_for(demo.township).post(url, {"reason": "同意"}, content_type="application/json")
    d = body(resp)
    assert resp.status_code == 200 and d["status"] == "approved" and d["amount_fen"] == 5_000_011 and d["events"][0]["actor"] == "township_1"
    assert d["decision_id"] == m.pk
    again = api_for(demo.township).post(url, {}, content_type="application/json")
    assert again.status_code == 422 and "已核准" in body(again)["detail"][0]
    assert api_for(demo.township).post(f"/api/v1/economy/awards/{V2}/2025/reject", {"reason": ""}, content_type="application/json").status_code == 422
    got = body(api_for(demo.secretary).get(f"/api/v1/economy/awards/{V1}/2025"))
    assert got["status"] == "approved" and got["increase_fen"] == 25_000_057 and got["decision_id"] == m.pk
    assert api_for(demo.other_accountant).get(f"/api/v1/economy/awards/{V1}/2025").status_code == 404
    awards = {a["code"]: a for a in body(api_for(demo.county).get("/api/v1/economy/awards", {"region": YUEXI, "year": 2025}))}
    assert awards[V1]["cadre_status"] == "approved" and awards[V1]["cadre_granted_fen"] == 5_000_011 and awards[V4]["cadre_status"] == "no_resolution"
    assert (awards[V1]["decision_id"], awards[V1]["decision_title"], awards[V1]["resolution_date"]) == (m.pk, m.title, m.decided_on.isoformat())
    assert (awards[V4]["decision_id"], awards[V4]["decision_title"], awards[V4]["resolution_date"]) == (None, "", None)
    assert CadreReward.objects.count() == 1
    # the economy's own resolutions are gone: decisions are made in the decisions app
    assert api_for(demo.secretary).post("/api/v1/economy/resolutions", {"village": V1}, content_type="application/json").status_code == 404


def test_brief_over_the_api(hand):
    b = body(api_for(hand.demo.county).get("/api/v1/economy/brief", {"region": YUEXI, "year": 2025}))
    assert b["base_year"] == 2024 and b["sentences"][0]["text"].startswith("2025年，岳西县6个村村均经营性收入41.17万元")
    assert b["sentences"][0]["table"]["rows"][0]["operating_income"] == 247_000_115
    assert b["text"] == "".join(s["text"] for s in b["sentences"])


def test_rules_over_the_api(hand):
    demo = hand.demo
    got = body(api_for(demo.county).get(f"/api/v1/economy/settings/{YUEXI}"))
    assert got["weak_line_fen"] == 15_000_000 and got["cadre_rate_bp"] == 2000 and [t["target"] for t in got["tiers"]] == [100, 50, 10]
    assert api_for(demo.township).get(f"/api/v1/economy/settings/{YUEXI}").status_code == 404
    got["strong_line_fen"] = 60_000_000
    got["measure"] = "operating_return"
    resp = api_for(demo.county).put(f"/api/v1/economy/settings/{YUEXI}", got, content_type="application/json")
    assert resp.status_code == 200 and body(resp)["strong_line_fen"] == 60_000_000
    assert EconomySettings.objects.get(county_id=YUEXI).measure == "operating_return"
    assert api_for(demo.auditor).put(f"/api/v1/economy/settings/{YUEXI}", got, content_type="application/json").status_code == 403
    bad = dict(got, operating_roles=["subsidy_income"], cadre_rate_bp=20000)
    resp = api_for(demo.county).put(f"/api/v1/economy/settings/{YUEXI}", bad, content_type="application/json")
    assert resp.status_code == 422 and len(body(resp)["detail"]) == 2
    # with operating return as the measure, V1 (return 520,000.25) stays strong, V6 (800,000.50) too; V5 (250,000) general
    rows = {r["code"]: r for r in body(api_for(demo.county).get("/api/v1/economy/villages", {"region": YUEXI, "year": 2025}))}
    assert rows[V1]["measure_fen"] == 52_000_025 and rows[V1]["class"] == "general"  # under the new 60万 line
    assert rows[V6]["class"] == "strong" and rows["340828100202"]["class"] == "hollow"
    assert AuditEvent.objects.filter(action="economy.settings.update", channel="api").exists()


def test_openapi_lists_the_economy_paths_in_chinese(db):
    doc = Client().get("/api/v1/openapi.json").json()
    ours = {p: ops for p, ops in doc["paths"].items() if p.startswith("/api/v1/economy/")}
    assert {"/api/v1/economy/villages", "/api/v1/economy/report", "/api/v1/economy/summary", "/api/v1/economy/trends", "/api/v1/economy/awards",
            "/api/v1/economy/brief", "/api/v1/economy/settings/{county}",
            "/api/v1/economy/awards/{village}/{year}", "/api/v1/economy/awards/{village}/{year}/{action}"} <= set(ours)
    assert "/api/v1/economy/resolutions" not in ours
    for ops in ours.values():
        for op in ops.values():
            assert op["tags"] == ["集体经济"] and any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"])
    village = doc["components"]["schemas"]["VillageOut"]["properties"]
    assert "class" in village and "operating_income_fen" in village
