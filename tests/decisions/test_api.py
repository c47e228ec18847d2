"""The decisions API (/api/v1/decisions…): a matter's whole life by token, the checks as 422 in
Chinese, refusals as 403, the scope gate (outsiders get 404), attachments and voucher links."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanwu.decisions import services
from sanwu.decisions.models import Matter, StageRecord, VoucherLink
from sanwu.decisions.services import attachments
from sanwu.regions.services import issue_token

from .conftest import advance, good, voucher_of
from .test_services import PNG

NOT_FOUND = {"detail": "未找到，或不在您的管辖范围内"}
ORDER = ["proposal", "committees", "members_meeting", "villagers_meeting", "resolution_published", "result_published"]


def api_for(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})


def body(resp):
    text = resp.content.decode()
    assert "\\u" not in text, text
    return json.loads(text)


def post(client, path, data):
    return client.post(path, data=data, content_type="application/json")


def stage_json(stage, **kw):
    d = good(stage, **kw)
    out = {"date": d.date.isoformat(), "text": d.text}
    for key in ("meeting_type", "entitled", "present", "votes_for", "votes_against", "votes_abstain", "channel"):
        value = getattr(d, key)
        if value not in (None, ""):
            out[key] = value
    return out


def test_a_matter_lives_its_whole_life_through_the_api(demo, village, book):
    sec, acc, town = api_for(demo.secretary), api_for(demo.accountant), api_for(demo.township)
    resp = post(sec, "/api/v1/decisions", {"village": village, "title": "村组道路硬化工程", "category": "tendering", "purpose": "expenditure", "amount_fen": 38600000, "year": 2025})
    assert resp.status_code == 201
    m = body(resp)
    assert m["status"] == "in_progress" and m["stage"] == "" and m["next_stage"] == "proposal" and m["amount_fen"] == 38600000
    assert [s["state"] for s in m["stages"]] == ["next", "waiting", "waiting", "waiting", "waiting", "waiting"]
    base = f"/api/v1/decisions/{m['id']}"

    for stage in ORDER:
        resp = post(sec, f"{base}/stages/{stage}", stage_json(stage))
        assert resp.status_code == 201, resp.content.decode()
    m = body(sec.get(base))
    assert m["status"] == "completed" and m["next_stage"] is None and m["completed_on"] == good("result_published").date.isoformat()
    members = m["stages"][2]["record"]
    assert members["checks"] == [
        {"label": "实到党员 24 人，须达到应到 30 人的三分之二（含）", "ok": True},
        {"label": "同意 20 人，须超过应到党员 30 人的半数", "ok": True},
    ]
    assert members["recorded_by"] == demo.secretary.username and len(members["content_hash"]) == 64
    assert m["stages"][3]["record"]["rule"]["source"] == "法定默认"

    v = voucher_of(book, "支付村组道路硬化工程款")
    assert post(sec, f"{base}/vouchers", {"voucher_id": v.pk}).status_code == 403
    resp = post(acc, f"{base}/vouchers", {"voucher_id": v.pk})
    assert resp.status_code == 201 and body(resp)["vouchers"][0]["total_fen"] == 38200000
    assert services.has_completed_decision_for_voucher(v)

    resp = post(town, f"{base}/comments", {"text": "已审阅"})
    assert resp.status_code == 201 and body(resp)["author"] == demo.township.username
    m = body(town.get(base))
    assert [c["text"] for c in m["comments"]] == ["已审阅"]
    assert [e["action"] for e in m["history"]] == ["create", *["record"] * 6, "link"]

    listed = body(town.get("/api/v1/decisions", {"status": "completed", "purpose": "expenditure"}))
    assert [x["id"] for x in listed] == [m["id"]]
    for village_filter in (village, village[:9], "340828100000"):
        assert [x["id"] for x in body(town.get("/api/v1/decisions", {"village": village_filter}))] == [m["id"]]
    assert body(town.get("/api/v1/decisions", {"village": "340828101200"})) == []
    assert body(town.get("/api/v1/decisions", {"q": "道路", "year": 2025, "category": "tendering", "stage": "result_published"}))[0]["id"] == m["id"]
    assert acc.delete(f"{base}/vouchers/{v.pk}").status_code == 204
    assert not VoucherLink.objects.exists()


def test_the_checks_answer_422_in_chinese(demo, matter):
    sec = api_for(demo.secretary)
    base = f"/api/v1/decisions/{matter.pk}"
    resp = post(sec, f"{base}/stages/committees", stage_json("committees"))
    assert resp.status_code == 422 and body(resp) == {"detail": ["「环节」：请先完成「党组织提议」，再记录「“两委”会议商议」"]}
    advance(demo.secretary, matter, "committees")
    resp = post(sec, f"{base}/stages/members_meeting", stage_json("members_meeting", present=30, votes_for=15, votes_against=15, votes_abstain=0))
    assert resp.status_code == 422 and body(resp)["detail"] == ["「同意票」：未通过：同意 15 人，须超过应到党员 30 人的半数"]
    resp = post(sec, f"{base}/stages/members_meeting", {"date": "2025-02-30", "entitled": 1.5})
    assert resp.status_code == 422 and any("日期" in d for d in body(resp)["detail"])
    resp = post(sec, f"{base}/stages/nonsense", stage_json("proposal"))
    assert resp.status_code == 422
    assert StageRecord.objects.filter(matter=matter).count() == 2
    resp = post(sec, "/api/v1/decisions", {"village": matter.village_id, "title": "x", "category": "other", "amount_fen": 12.5})
    assert resp.status_code == 422 and "金额应为整数" in json.dumps(body(resp), ensure_ascii=False)
    assert body(sec.get("/api/v1/decisions", {"stage": "bogus"}))["detail"][0].startswith("「环节」：未知环节")


@pytest.mark.parametrize("who", ["accountant", "township", "auditor"])
def test_roles_in_scope_that_may_not_record_get_403(demo, matter, who):
    client = api_for(getattr(demo, who))
    base = f"/api/v1/decisions/{matter.pk}"
    assert client.get(base).status_code == 200
    resp = post(client, f"{base}/stages/proposal", stage_json("proposal"))
    assert resp.status_code == 403 and body(resp) == {"detail": "无权记录四议两公开环节"}
    assert post(client, "/api/v1/decisions", {"village": matter.village_id, "title": "x", "category": "other"}).status_code == 403
    assert post(client, f"{base}/abandon", {"reason": "x"}).status_code == 403
    assert Matter.objects.count() == 1 and not StageRecord.objects.exists()


@pytest.mark.parametrize("who", ["other_accountant", "other_township"])
def test_outsiders_get_404_from_every_endpoint(demo, matter, book, who, media):
    rec = services.record_stage(demo.secretary, matter, "proposal", good("proposal"))
    att = attachments.add_attachment(demo.secretary, rec, "纪要.png", PNG, "minutes")
    v = voucher_of(book, "支付村组道路硬化工程款")
    services.link_voucher(demo.accountant, matter, v)
    client = api_for(getattr(demo, who))
    base = f"/api/v1/decisions/{matter.pk}"
    assert body(client.get("/api/v1/decisions")) == []
    for resp in (
        client.get(base),
        post(client, f"{base}/stages/committees", stage_json("committees")),
        post(client, f"{base}/vouchers", {"voucher_id": v.pk}),
        post(client, f"{base}/comments", {"text": "x"}),
        post(client, f"{base}/abandon", {"reason": "x"}),
        client.delete(f"{base}/vouchers/{v.pk}"),
        client.get(f"{base}/attachments/{att.pk}"),
        client.post(f"{base}/stages/proposal/attachments", {"file": _file()}),
    ):
        assert resp.status_code == 404 and body(resp) == NOT_FOUND
    assert VoucherLink.objects.count() == 1 and StageRecord.objects.count() == 1


def test_anonymous_and_bad_tokens_get_401(demo, matter):
    assert Client().get("/api/v1/decisions").status_code == 401
    assert Client(headers={"Authorization": "Bearer nope"}).get(f"/api/v1/decisions/{matter.pk}").status_code == 401


def test_another_villages_voucher_is_refused_by_the_api(demo, matter, other_book):
    theirs = voucher_of(other_book, "支付村组道路硬化工程款")
    resp = post(api_for(demo.accountant), f"/api/v1/decisions/{matter.pk}/vouchers", {"voucher_id": theirs.pk})
    assert resp.status_code == 404  # not even visible to this accountant
    assert not VoucherLink.objects.exists()


def test_attachments_through_the_api(demo, matter, media):
    sec = api_for(demo.secretary)
    base = f"/api/v1/decisions/{matter.pk}"
    resp = sec.post(f"{base}/stages/proposal/attachments", {"file": _file()})
    assert resp.status_code == 422 and "尚未记录" in body(resp)["detail"][0]
    advance(demo.secretary, matter, "proposal")
    resp = sec.post(f"{base}/stages/proposal/attachments?kind=sign_in", {"file": _file()})
    assert resp.status_code == 201
    att = body(resp)
    assert att["kind"] == "sign_in" and att["content_type"] == "image/png"
    got = api_for(demo.auditor).get(att["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    bad = sec.post(f"{base}/stages/proposal/attachments", {"file": _file(b"hello")})
    assert bad.status_code == 422 and "按内容识别" in body(bad)["detail"][0]
    assert api_for(demo.accountant).post(f"{base}/stages/proposal/attachments", {"file": _file()}).status_code == 403
    m = body(sec.get(base))
    assert [a["filename"] for a in m["stages"][0]["record"]["attachments"]] == ["签到表.png"]


def _file(data=PNG):
    return SimpleUploadedFile("签到表.png", data)


def test_the_openapi_document_lists_the_decision_endpoints(demo):
    doc = body(api_for(demo.county).get("/api/v1/openapi.json"))
    paths = set(doc["paths"])
    assert {"/api/v1/decisions", "/api/v1/decisions/{id}", "/api/v1/decisions/{id}/stages/{stage}", "/api/v1/decisions/{id}/vouchers"} <= paths
