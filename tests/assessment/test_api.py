"""The API behind the scope gate: rounds, the difficult-villages list, rectification and
assessments through their whole life; problems as 422 in Chinese, refusals as 403, rows outside
the caller's regions as 404 or simply absent."""

import pytest

from sanwu.partywork.models import Task

from .conftest import T1, T2, V1, V2, YUEXI, api_client


def _json(client, method, url, body=None):
    resp = getattr(client, method)(url, body, content_type="application/json") if body is not None else getattr(client, method)(url)
    return resp.status_code, resp.json() if resp.content else None


def test_round_review_and_task_force_over_the_api(demo):
    county = api_client(demo.county)
    status, rnd = _json(county, "post", "/api/v1/analysis-rounds", {"county": YUEXI, "held_on": "2021-03-16"})
    assert status == 201 and rnd["title"] == "2021年第1轮" and rnd["ratings"] == []
    town = api_client(demo.township)
    status, body = _json(town, "put", f"/api/v1/analysis-rounds/{rnd['id']}/ratings/{V1}", {"rating": "较差", "criteria": {"书记履职": "weak"}, "findings": "书记不在村"})
    assert status == 200 and body["rating"] == "weak" and body["village"] == {"code": V1, "name": "大歇村", "township": "主簿镇"}
    assert _json(town, "put", f"/api/v1/analysis-rounds/{rnd['id']}/ratings/{V2}", {"rating": "weak"})[0] == 404
    _json(county, "put", f"/api/v1/analysis-rounds/{rnd['id']}/ratings/{V2}", {"rating": "good"})
    status, body = _json(county, "put", f"/api/v1/analysis-rounds/{rnd['id']}/ratings/{V2}", {"rating": "优秀"})
    assert status == 422 and body["detail"] == ["「研判等次」：研判等次「优秀」无效（好、较好、一般、较差）"]

    # The township sees its own village only.
    status, body = _json(town, "get", f"/api/v1/analysis-rounds/{rnd['id']}")
    assert status == 200 and [r["village"]["code"] for r in body["ratings"]] == [V1]
    assert [r["title"] for r in _json(town, "get", "/api/v1/analysis-rounds")[1]] == ["2021年第1轮"]
    assert _json(town, "get", f"/api/v1/analysis-rounds/{rnd['id']}/review")[0] == 404
    assert _json(town, "post", f"/api/v1/analysis-rounds/{rnd['id']}/review", {})[0] == 404

    status, proposals = _json(county, "get", f"/api/v1/analysis-rounds/{rnd['id']}/review")
    assert [(p["village"]["code"], p["proposed"]) for p in proposals] == [(V1, "listed")]
    status, body = _json(county, "post", f"/api/v1/analysis-rounds/{rnd['id']}/review", {})
    assert status == 200 and body == {"already": False, "listed": 1, "kept": 0, "improved": 0, "removed": 0}
    assert _json(county, "post", f"/api/v1/analysis-rounds/{rnd['id']}/review", {})[1]["already"] is True

    status, listed = _json(town, "get", "/api/v1/difficult-villages")
    assert [e["village"]["code"] for e in listed] == [V1] and listed[0]["history"][0]["outcome"] == "listed"
    assert _json(api_client(demo.other_township), "get", "/api/v1/difficult-villages")[1] == []
    entry_id = listed[0]["id"]
    assert _json(town, "put", f"/api/v1/difficult-villages/{entry_id}/task-force", {"leader": "x", "members": ["y"]})[0] == 403
    status, body = _json(county, "put", f"/api/v1/difficult-villages/{entry_id}/task-force", {"leader": "储国华（副部长）", "members": ["汪明（农业农村局）", "程芳（财政局）"]})
    assert status == 200 and body["members"] == ["汪明（农业农村局）", "程芳（财政局）"]
    assert _json(api_client(demo.other_township), "get", f"/api/v1/difficult-villages/{entry_id}")[0] == 404

    status, fu = _json(county, "post", f"/api/v1/analysis-rounds/{rnd['id']}/follow-ups", {"region": T1, "title": "后备干部摸底", "deadline": "2021-06-30"})
    assert status == 201 and Task.objects.get(pk=fu["task_id"]).origin == f"assessment.followup:{fu['id']}"


def test_rectification_over_the_api(demo):
    county = api_client(demo.county)
    status, situations = _json(county, "get", f"/api/v1/typical-situations?county={YUEXI}")
    assert status == 200 and len(situations) == 13
    # the township is offered its own county (read-only), never another; the accountant has no party work
    status, theirs = _json(api_client(demo.township), "get", f"/api/v1/typical-situations?county={YUEXI}")
    assert status == 200 and theirs == situations
    assert _json(api_client(demo.township), "get", "/api/v1/typical-situations?county=340825000000")[0] == 404
    assert _json(api_client(demo.accountant), "get", f"/api/v1/typical-situations?county={YUEXI}")[0] == 404

    status, body = _json(county, "post", "/api/v1/rectifications/screenings", {"village": V1, "year": 2021, "situations": [2, 99], "screened_on": "2021-03-20"})
    assert status == 422 and body["detail"] == ["「典型情形」：本县没有序号为 99 的典型情形"]
    status, body = _json(county, "post", "/api/v1/rectifications/screenings", {"village": V1, "year": 2021, "situations": [2, 4], "screened_on": "2021-03-20"})
    assert status == 200 and body["screening"]["situations"] == [2, 4]
    case = body["rectification"]
    assert (case["status"], case["party_funds_fen"], case["year"]) == ("listed", 500000, 2021)

    status, body = _json(county, "patch", f"/api/v1/rectifications/{case['id']}", {"first_secretary": "程芳", "project_funds_fen": 60000000})
    assert status == 200 and body["project_funds_fen"] == 60000000 and body["first_secretary"] == "程芳"
    status, body = _json(county, "patch", f"/api/v1/rectifications/{case['id']}", {"project_funds_fen": 1})
    assert status == 422 and "项目扶持资金应在" in body["detail"][0]
    status, body = _json(api_client(demo.township), "post", f"/api/v1/rectifications/{case['id']}/measures", {"date": "2021-04-01", "text": "规范三会一课"})
    assert status == 201 and body["measures"] == [{"date": "2021-04-01", "text": "规范三会一课"}]
    status, body = _json(api_client(demo.township), "post", f"/api/v1/rectifications/{case['id']}/acceptance", {"date": "2021-06-01", "passed": True, "result": "好", "checked_by": "乡镇"})
    assert status == 403
    status, body = _json(county, "post", f"/api/v1/rectifications/{case['id']}/acceptance", {"date": "2021-06-01", "passed": False, "result": "未达标", "checked_by": "验收组"})
    assert status == 201 and body["status"] == "listed"
    status, body = _json(county, "post", f"/api/v1/rectifications/{case['id']}/acceptance", {"date": "2021-07-01", "passed": True, "result": "同意销号", "checked_by": "验收组"})
    assert status == 201 and (body["status"], body["delisted_on"]) == ("delisted", "2021-07-01") and len(body["checks"]) == 2
    assert _json(county, "get", "/api/v1/rectifications")[1] == []
    assert [c["id"] for c in _json(county, "get", "/api/v1/rectifications?status=all")[1]] == [case["id"]]
    assert _json(county, "get", "/api/v1/rectifications?status=nope")[0] == 422
    status, screenings = _json(county, "get", "/api/v1/rectifications/screenings?year=2021")
    assert [s["village"]["code"] for s in screenings] == [V1]
    assert _json(api_client(demo.other_township), "get", "/api/v1/rectifications/screenings?year=2021")[1] == []
    assert _json(api_client(demo.other_township), "post", "/api/v1/rectifications/screenings", {"village": V1, "year": 2021})[0] == 404


def test_assessment_over_the_api(demo):
    county = api_client(demo.county)
    status, a = _json(county, "post", "/api/v1/assessments", {"county": YUEXI, "year": 2021})
    assert status == 201 and [i["key"] for i in a["indicators"]] == ["party_building", "org_work", "recruitment", "economy"]
    assert _json(county, "post", "/api/v1/assessments", {"county": YUEXI, "year": 2021})[0] == 422
    status, body = _json(county, "put", f"/api/v1/assessments/{a['id']}/indicators", [{"key": "party_building", "name": "党建", "weight": 60}, {"key": "org_work", "name": "组织业务", "weight": 30}])
    assert status == 422 and body["detail"] == ["「权重」：各项指标权重合计应为100，现为90"]
    status, body = _json(county, "put", f"/api/v1/assessments/{a['id']}/indicators", [{"key": "org_work", "name": "组织业务", "weight": 50}, {"key": "recruitment", "name": "党员发展", "weight": 50}])
    assert status == 200 and [(i["key"], i["weight"]) for i in body["indicators"]] == [("org_work", 50), ("recruitment", 50)]

    scores = [
        {"region": T1, "indicator": "org_work", "value": "90"}, {"region": T1, "indicator": "recruitment", "value": 80},
        {"region": T2, "indicator": "org_work", "value": "70.5"}, {"region": T2, "indicator": "recruitment", "value": "abc"},
    ]
    status, body = _json(county, "put", f"/api/v1/assessments/{a['id']}/scores", {"scores": scores})
    assert status == 422 and body["detail"] == ["「得分」：五河镇「党员发展」分数「abc」不是数字"]
    status, body = _json(county, "put", f"/api/v1/assessments/{a['id']}/scores", {"scores": [{"region": T2, "indicator": "org_work", "value": 70.5}]})
    assert status == 422  # a float never carries a score
    scores[3]["value"] = "60"
    assert _json(county, "put", f"/api/v1/assessments/{a['id']}/scores", {"scores": scores}) == (200, {"entries": 4, "changed": 4})

    status, body = _json(county, "post", f"/api/v1/assessments/{a['id']}/consequences")
    assert status == 200 and body["created"] == 3 and body["notes"] == ["2020年度考核不存在，规则「组织业务考核连续2年末位」无法判定"]
    # Two townships: the last one, and both are "in the bottom three".
    assert {(c["rule"], c["region"]["code"]) for c in body["consequences"]} == {
        ("last_overall", T2), ("recruitment_bottom_three", T1), ("recruitment_bottom_three", T2),
    }
    again = _json(county, "post", f"/api/v1/assessments/{a['id']}/consequences")[1]
    assert again["created"] == 0 and again["existing"] == body["created"]
    assert all(Task.objects.filter(pk=c["task_id"], source_kind="assessment").exists() for c in body["consequences"])
    status, detail = _json(county, "get", f"/api/v1/assessments/{a['id']}")
    assert detail["status"] == "final" and detail["whole"] is True
    assert _json(county, "put", f"/api/v1/assessments/{a['id']}/scores", {"scores": scores})[0] == 422


@pytest.mark.parametrize("path", ["/api/v1/analysis-rounds", "/api/v1/difficult-villages", "/api/v1/rectifications", "/api/v1/assessments", "/api/v1/assessment-consequences"])
def test_anonymous_needs_a_token_and_village_accountant_sees_nothing(demo, client, path):
    assert client.get(path).status_code == 401
    status, body = _json(api_client(demo.accountant), "get", path)
    assert status == 200 and body == []


def test_openapi_lists_the_endpoints_in_chinese(db, client):
    body = client.get("/api/v1/openapi.json").content.decode()
    assert "落实考核问责（按本县规则；重复调用不重复认定）" in body and "\\u" not in body


def test_auditor_reads_rounds_and_lists_but_cannot_write(demo):
    county = api_client(demo.county)
    rnd = _json(county, "post", "/api/v1/analysis-rounds", {"county": YUEXI, "held_on": "2021-03-16"})[1]
    _json(county, "put", f"/api/v1/analysis-rounds/{rnd['id']}/ratings/{V1}", {"rating": "weak"})
    auditor = api_client(demo.auditor)
    assert [r["village"]["code"] for r in _json(auditor, "get", f"/api/v1/analysis-rounds/{rnd['id']}")[1]["ratings"]] == [V1]
    assert _json(auditor, "put", f"/api/v1/analysis-rounds/{rnd['id']}/ratings/{V1}", {"rating": "good"})[0] == 403
    assert _json(auditor, "post", f"/api/v1/analysis-rounds/{rnd['id']}/review", {})[0] == 403
    assert _json(auditor, "post", "/api/v1/analysis-rounds", {"county": YUEXI, "held_on": "2021-09-16"})[0] == 403
    assert _json(county, "get", f"/api/v1/analysis-rounds/{rnd['id']}")[1]["ratings"][0]["rating"] == "weak"
    other = api_client(demo.other_township)
    assert _json(other, "get", f"/api/v1/analysis-rounds/{rnd['id']}")[1]["ratings"] == []
