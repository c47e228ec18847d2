"""The task ledger and organisations over the API: one task's whole loop by token, validation in
Chinese (422), refusals (403), the scope gate (404 outside), and the OpenAPI document."""

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from sanwu.partywork import services

from .conftest import PNG, TOWN_1, TOWN_2, VILLAGE_1, api_for, assign


def body(resp):
    text = resp.content.decode()
    assert "\\u" not in text, text
    return json.loads(text)


def post(client, url, data=None):
    return client.post(url, data=data or {}, content_type="application/json")


def test_a_task_lives_its_whole_loop_through_the_api(demo, orgs):
    county, town = api_for(demo.county), api_for(demo.township)
    deadline = (services.today() + dt.timedelta(days=30)).isoformat()
    resp = post(county, "/api/v1/tasks", {
        "title": "党员发展工作", "region": TOWN_1, "deadline": deadline, "source_kind": "document", "source_ref": "岳组〔2025〕11号",
        "owner_org_ids": [orgs.town_1.pk], "owner_user_ids": [demo.township.pk], "origin": "script:1",
        "plan": [{"year": 2025, "month": 5, "item": "确定发展对象"}],
    })
    assert resp.status_code == 201, resp.content
    t = body(resp)
    assert (t["status"], t["status_label"], t["assigner"], t["assigner_region"]) == ("assigned", "已交办", "county_yuexi", "340828000000")
    assert t["owners"] == [{"kind": "org", "id": orgs.town_1.pk, "name": "中共主簿镇委员会"}, {"kind": "user", "id": demo.township.pk, "name": "主簿镇农经站"}]
    assert t["plan"] == [{"year": 2025, "month": 5, "item": "确定发展对象"}] and t["origin"] == "script:1"
    url = f"/api/v1/tasks/{t['id']}"

    refused = post(county, f"{url}/report", {"text": "县里替乡镇汇报"})
    assert refused.status_code == 403 and "无权汇报" in body(refused)["detail"]
    assert body(post(town, f"{url}/report", {"text": "已确定发展对象"}))["status"] == "reported"
    up = town.post(f"{url}/evidence", {"file": SimpleUploadedFile("名单.png", PNG, content_type="image/png")})
    assert up.status_code == 201 and body(up)["sha256"]
    assert b"".join(town.get(body(up)["url"]).streaming_content) == PNG
    bad = town.post(f"{url}/evidence", {"file": SimpleUploadedFile("x.png", b"not a picture")})
    assert bad.status_code == 422 and "不是 JPEG、PNG 或 PDF" in body(bad)["detail"][0]
    assert post(town, f"{url}/verify").status_code == 403
    no_reason = post(county, f"{url}/return", {"reason": ""})
    assert no_reason.status_code == 422 and body(no_reason)["detail"] == ["「原因」：请填写退回原因"]
    assert body(post(county, f"{url}/return", {"reason": "名单不全"}))["status"] == "returned"
    assert body(post(town, f"{url}/report", {"text": "补齐名单"}))["status"] == "reported"
    t = body(post(county, f"{url}/verify", {"note": "同意", "close": False}))
    assert t["status"] == "verified"
    early = post(county, f"{url}/report", {"text": "x"})
    assert early.status_code == 403  # the county never reports for the township
    t = body(post(county, f"{url}/close", {"note": "季例会销号"}))
    assert t["status"] == "closed"
    assert [(h["action"], h["actor"], h["from_status"], h["to_status"]) for h in t["history"]] == [
        ("assign", "county_yuexi", "", "assigned"),
        ("report", "township_1", "assigned", "reported"),
        ("return", "county_yuexi", "reported", "returned"),
        ("report", "township_1", "returned", "reported"),
        ("verify", "county_yuexi", "reported", "verified"),
        ("close", "county_yuexi", "verified", "closed"),
    ]
    assert [len(r["evidence"]) for r in t["reports"]] == [1, 0]
    assert body(town.get("/api/v1/tasks?view=mine"))[0]["id"] == t["id"]


def test_api_validation_and_the_scope_gate(demo, orgs):
    county = api_for(demo.county)
    bad = post(county, "/api/v1/tasks", {"title": "", "region": "340828999999", "deadline": "2030-02-30", "source_kind": "x"})
    assert bad.status_code == 422 and any("deadline" in d for d in body(bad)["detail"])
    bad = post(county, "/api/v1/tasks", {"title": "", "region": "340828999999", "deadline": "2030-02-01", "source_kind": "x"})
    details = body(bad)["detail"]
    assert bad.status_code == 422 and "「任务」：任务名称不能为空" not in details and any("任务名称不能为空" in d for d in details)
    assert any("区划「340828999999」不存在" in d for d in details) and any("来源「x」无效" in d for d in details)
    town = api_for(demo.township)
    refused = post(town, "/api/v1/tasks", {"title": "越级交办", "region": TOWN_2, "deadline": "2030-02-01", "source_kind": "meeting"})
    assert refused.status_code == 403 and "无权向「五河镇」交办任务" in body(refused)["detail"]
    theirs = assign(demo.county, region=TOWN_2, title="五河镇的")
    mine = assign(demo.township, region=VILLAGE_1, title="大歇村的")
    assert [t["title"] for t in body(town.get("/api/v1/tasks"))] == ["大歇村的"]
    assert town.get(f"/api/v1/tasks/{theirs.pk}").status_code == 404
    secretary = api_for(demo.secretary)
    assert [t["id"] for t in body(secretary.get("/api/v1/tasks"))] == [mine.pk]
    assert api_for(demo.accountant).get("/api/v1/tasks").json() == []
    assert town.get("/api/v1/tasks?view=nonsense").status_code == 422


def test_organisations_and_counts_over_the_api(demo, orgs):
    town, county = api_for(demo.township), api_for(demo.county)
    team = services.create_org(demo.township, name="主簿镇防汛党员突击队", kind="commando_team", region_code=TOWN_1,
                               parent_id=orgs.town_1.pk, purpose="flood", start_date=services.today(), leader_name="储明华")
    services.add_member(demo.township, team, name="汪国强", position="村党员")
    listed = body(town.get("/api/v1/party-orgs"))
    assert {o["name"] for o in listed} == {"中共主簿镇委员会", "大歇村党支部", "主簿镇防汛党员突击队"}
    detail = body(town.get(f"/api/v1/party-orgs/{team.pk}"))
    assert detail["leader"] == "储*华" and detail["members"][0]["name"] == "汪*强"  # masked for the township
    full = body(county.get(f"/api/v1/party-orgs/{team.pk}"))
    assert full["leader"] == "储明华" and full["members"][0]["name"] == "汪国强"
    assert town.get(f"/api/v1/party-orgs/{orgs.town_2.pk}").status_code == 404
    counts = {r["kind"]: r for r in body(county.get("/api/v1/party-orgs/counts"))}
    assert counts["commando_team"]["created"] == 1 and counts["commando_team"]["people_created"] == 1
    made = post(town, "/api/v1/party-orgs", {"name": "主簿镇疫情防控临时党支部", "kind": "temporary_branch", "region": TOWN_1,
                                              "start_date": services.today().isoformat(), "purpose": "epidemic"})
    assert made.status_code == 201
    refused = post(town, "/api/v1/party-orgs", {"name": "越权党委", "kind": "committee", "region": TOWN_1})
    assert refused.status_code == 403


def test_openapi_lists_the_party_work_endpoints(demo):
    doc = json.loads(api_for(demo.county).get("/api/v1/openapi.json").content)
    for path in ("/api/v1/tasks", "/api/v1/tasks/{id}", "/api/v1/tasks/{id}/report", "/api/v1/tasks/{id}/verify", "/api/v1/tasks/{id}/return",
                 "/api/v1/tasks/{id}/close", "/api/v1/party-orgs", "/api/v1/party-orgs/counts", "/api/v1/talks/counts", "/api/v1/talks"):
        assert path in doc["paths"], path
