"""The oversight API (/api/v1/oversight/…): feed polling with `since`, warnings and their
handling, dashboard counts, the queue and the county parameters — behind the scope gate."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from sanwu.ledger import services as ledger
from sanwu.oversight.models import Warning
from sanwu.oversight.services import params_for
from sanwu.regions.services import issue_token

from .conftest import post_journal

NOT_FOUND = {"detail": "未找到，或不在您的管辖范围内"}
PAY = """
2025-03-05 支付村部维修材料款
  513   1500.00  -        cash  县建材店
  101   -        1500.00  cash  县建材店
"""


def api_for(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})


def body(resp):
    text = resp.content.decode()
    assert "\\u" not in text, text
    return json.loads(text)


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_feed_polls_with_since(demo, book, other_book):
    town = api_for(demo.township)
    first = body(town.get("/api/v1/oversight/feed"))
    assert first["items"] == []
    since = first["next_since"]
    (v,) = post_journal(demo.accountant, book, PAY)
    post_journal(demo.other_accountant, other_book, PAY)  # another township: never shown
    got = body(town.get("/api/v1/oversight/feed", {"since": since}))
    (item,) = got["items"]
    assert (item["id"], item["village_code"], item["total_fen"], item["settlements"], item["severity"]) == (v.pk, "340828100200", 150000, ["cash"], "medium")
    assert item["url"] == f"/books/{book.code}/vouchers/{v.pk}/" and item["attachment_count"] == 0
    assert {w["rule"] for w in item["warnings"]} == {"cash_over_limit", "no_attachment"}
    later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    assert body(town.get("/api/v1/oversight/feed", {"since": later}))["items"] == []
    assert body(town.get("/api/v1/oversight/feed", {"flagged": "true", "settlement": "bank"}))["items"] == []
    resp = town.get("/api/v1/oversight/feed", {"settlement": "gold"})
    assert resp.status_code == 422 and body(resp)["detail"] == ["结算方式应为 cash、bank 或 transfer"]
    assert Client().get("/api/v1/oversight/feed").status_code == 401


def test_warnings_list_detail_and_the_whole_life(demo, book):
    post_journal(demo.accountant, book, PAY)
    acc, town, county = api_for(demo.accountant), api_for(demo.township), api_for(demo.county)
    rows = body(town.get("/api/v1/oversight/warnings", {"rule": "cash_over_limit"}))
    (w,) = rows
    assert (w["status"], w["severity_label"], w["amount_fen"], w["village"], w["overdue"]) == ("open", "中", 150000, "大歇村", False)
    url = f"/api/v1/oversight/warnings/{w['id']}"
    detail = body(acc.get(url))
    assert detail["actions"] == {"explain": True, "accept": False, "escalate": False} and detail["history"] == []
    resp = post(acc, f"{url}/explain", {"text": ""})
    assert resp.status_code == 422 and body(resp)["detail"] == ["「情况说明」：请填写情况说明"]
    assert post(town, f"{url}/explain", {"text": "乡镇不能代为说明"}).status_code == 403
    done = body(post(acc, f"{url}/explain", {"text": "临时用工工资"}))
    assert done["status"] == "explained" and done["explained_by"] == "accountant_1"
    assert post(acc, f"{url}/accept", {}).status_code == 403
    done = body(post(town, f"{url}/escalate", {"note": "说明不充分"}))
    assert done["status"] == "escalated"
    done = body(post(county, f"{url}/accept", {"note": "县里已核实"}))
    assert done["status"] == "accepted" and done["handled_by"] == "county_yuexi"
    assert [(h["from_status"], h["to_status"], h["actor"]) for h in done["history"]] == [
        ("open", "explained", "accountant_1"), ("explained", "escalated", "township_1"), ("escalated", "accepted", "county_yuexi"),
    ]
    resp = post(county, f"{url}/accept", {})
    assert resp.status_code == 422 and body(resp)["detail"] == ["预警状态为「已认可」，不能认可"]


def test_outsiders_get_404(demo, book):
    post_journal(demo.accountant, book, PAY)
    w = Warning.objects.filter(village_id="340828100200").first()
    for user in (demo.other_township, demo.other_accountant):
        c = api_for(user)
        assert body(c.get("/api/v1/oversight/warnings")) == []
        resp = c.get(f"/api/v1/oversight/warnings/{w.pk}")
        assert resp.status_code == 404 and body(resp) == NOT_FOUND
        assert post(c, f"/api/v1/oversight/warnings/{w.pk}/explain", {"text": "x"}).status_code == 404
        assert body(c.get("/api/v1/oversight/feed"))["items"] == []
    assert api_for(demo.other_township).get("/api/v1/oversight/dashboard", {"region": "340828100000"}).status_code == 404


def test_dashboard_counts(demo, book, other_book):
    post_journal(demo.accountant, book, PAY)
    post_journal(demo.other_accountant, other_book, PAY)
    d = body(api_for(demo.county).get("/api/v1/oversight/dashboard"))
    assert (d["region"], d["level"], d["statuses"]["open"], d["total"], d["active"]) == ("340828000000", "county", 4, 4, 4)
    assert [(c["code"], c["open"]) for c in d["children"]] == [("340828100000", 2), ("340828101000", 2)]
    assert d["rules"]["cash_over_limit"] == {"active": 2, "total": 2}
    assert sum(d["trend"]["series"]["medium"]) == 4 and d["trend"]["months"][-1] == "2025-03"
    assert d["overdue_closings"] == 2
    t = body(api_for(demo.township).get("/api/v1/oversight/dashboard"))
    assert (t["region"], t["total"]) == ("340828100000", 2)
    assert [c["code"] for c in t["children"]] == ["340828100200"]


def test_queue(demo, book):
    v = ledger.save_draft(demo.accountant, book, ledger.VoucherDraft(
        date=dt.date(2025, 3, 5), summary="待审", entries=[ledger.EntryDraft("513", debit=100), ledger.EntryDraft("101", credit=100)],
    ))
    ledger.submit(demo.accountant, v)
    assert [q["id"] for q in body(api_for(demo.township).get("/api/v1/oversight/queue"))] == [v.pk]
    assert body(api_for(demo.other_township).get("/api/v1/oversight/queue")) == []


def test_county_parameters(demo):
    c = api_for(demo.county)
    p = body(c.get("/api/v1/oversight/settings/340828000000"))
    assert (p["cash_limit_fen"], p["large_amount_fen"], p["duplicate_days"], p["close_day"]) == (100000, 5000000, 7, 10)
    p = body(c.put("/api/v1/oversight/settings/340828000000", data={"cash_limit_fen": 50000, "disabled_rules": ["round_sum"]}, content_type="application/json"))
    assert p["cash_limit_fen"] == 50000 and p["disabled_rules"] == ["round_sum"] and p["large_amount_fen"] == 5000000
    resp = api_for(demo.auditor).put("/api/v1/oversight/settings/340828000000", data={"cash_limit_fen": 1}, content_type="application/json")
    assert resp.status_code == 403  # sees the county, may not change it
    for who in (demo.township, demo.accountant):  # offered their own county (counties_for), never allowed to change it
        assert body(api_for(who).get("/api/v1/oversight/settings/340828000000"))["cash_limit_fen"] == 50000
        resp = api_for(who).put("/api/v1/oversight/settings/340828000000", data={"cash_limit_fen": 1}, content_type="application/json")
        assert resp.status_code == 403 and body(resp)["detail"] == "无权修改该县的预警参数"
    assert params_for("340828000000").cash_limit == 50000
    resp = c.put("/api/v1/oversight/settings/340828000000", data={"round_min_fen": 100, "round_unit_fen": 1000}, content_type="application/json")
    assert resp.status_code == 422 and body(resp)["detail"] == ["大额整数支付起点不能小于整数单位"]
    assert api_for(demo.other_township).get("/api/v1/oversight/settings/340825000000").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/oversight/feed", "/api/v1/oversight/warnings", "/api/v1/oversight/dashboard", "/api/v1/oversight/queue"])
def test_in_the_openapi_document(demo, path):
    doc = Client().get("/api/v1/openapi.json").json()
    assert path in doc["paths"]
