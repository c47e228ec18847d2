"""The disclosure API inside the platform (/api/v1/disclosures, /questions): a disclosure's whole
life by token, the scope gate (outsiders 404), refusals 403, problems 422 in Chinese."""

import datetime as dt

from sanwu.disclosure import services
from sanwu.disclosure.models import Disclosure

from tests.conftest import finance_reviewed

from .conftest import api_for, body
from .test_disclosures import DAXIE, person


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_a_disclosure_lives_its_whole_life_through_the_api(demo, book, march):
    acc, sec, town = api_for(demo.accountant), api_for(demo.secretary), api_for(demo.township)
    resp = post(acc, "/api/v1/disclosures", {"book": book.code, "period": "2025-03"})
    assert resp.status_code == 200, resp.content
    d = body(resp)
    assert (d["status"], d["period"], d["label"], d["income_fen"], d["expense_fen"], d["check"]) == ("draft", "2025-03", "2025年3月", 6500050, 80000, None)
    assert d["due_date"] == "2025-04-10" and d["figures"]["items"][1]["counterparty"] == "王*明"
    url = f"/api/v1/disclosures/{d['id']}"
    # only the secretary confirms
    assert post(acc, url + "/confirm").status_code == 403
    assert post(town, url + "/confirm").status_code == 403
    assert body(post(sec, url + "/confirm"))["status"] == "confirmed"
    refused = post(sec, url + "/publish")
    assert refused.status_code == 422 and "2025年3月尚未进行民主理财" in refused.content.decode()
    finance_reviewed(book, 2025, 3)
    published = body(post(sec, url + "/publish"))
    book.refresh_from_db()
    assert (published["status"], published["chain_head"], published["posted_count"]) == ("published", book.chain_head, book.posted_count)
    assert published["check"]["ok"] is True
    # irreversible
    again = post(sec, url + "/publish")
    assert again.status_code == 422 and "已经发布" in body(again)["detail"][0]
    redo = post(acc, "/api/v1/disclosures", {"book": book.code, "period": "2025-03"})
    assert redo.status_code == 422 and "不能重新编制" in body(redo)["detail"][0]
    assert body(town.get(url + "/check")) == {"ok": True, "explanation": "已核对：发布后账簿没有被改动，公开的数字与账簿一致。", "details": []}
    listing = body(town.get("/api/v1/disclosures?status=published"))
    assert [x["id"] for x in listing] == [d["id"]]


def test_outsiders_get_404_and_bad_input_422(demo, book, other_book, march):
    d = services.prepare(demo.accountant, book, 2025, 3)
    other = api_for(demo.other_accountant)
    assert other.get(f"/api/v1/disclosures/{d.pk}").status_code == 404
    assert post(other, f"/api/v1/disclosures/{d.pk}/confirm").status_code == 404
    assert body(other.get("/api/v1/disclosures")) == []
    assert post(other, "/api/v1/disclosures", {"book": book.code, "period": "2025-03"}).status_code == 404
    assert api_for(demo.other_township).get(f"/api/v1/disclosures/{d.pk}").status_code == 404
    bad = post(api_for(demo.accountant), "/api/v1/disclosures", {"book": book.code, "period": "2025年3月"})
    assert bad.status_code == 422 and "2020-03" in body(bad)["detail"][0]
    missing = post(api_for(demo.accountant), "/api/v1/disclosures", {"book": book.code})
    assert missing.status_code == 422 and "缺少必填字段" in body(missing)["detail"][0]
    # the county reads everything in its county, the auditor too; neither prepares
    assert body(api_for(demo.county).get(f"/api/v1/disclosures/{d.pk}"))["id"] == d.pk
    assert post(api_for(demo.auditor), "/api/v1/disclosures", {"book": book.code, "period": "2025-03"}).status_code == 403
    assert Disclosure.objects.count() == 1


def test_settings_through_the_api(demo):
    county = api_for(demo.county)
    rows = body(county.get("/api/v1/disclosure-settings"))
    assert rows == [{"county": "340828000000", "county_name": "岳西县", "frequency": "monthly", "due_day": 10, "answer_days": 7, "saved": False}]
    resp = county.put("/api/v1/disclosure-settings/340828000000", {"frequency": "quarterly", "due_day": 15, "answer_days": 5}, content_type="application/json")
    assert body(resp)["saved"] is True and body(resp)["frequency"] == "quarterly"
    bad = county.put("/api/v1/disclosure-settings/340828000000", {"frequency": "weekly", "due_day": 15, "answer_days": 5}, content_type="application/json")
    assert bad.status_code == 422
    town = api_for(demo.township)
    assert town.put("/api/v1/disclosure-settings/340828000000", {"frequency": "monthly", "due_day": 10, "answer_days": 7}, content_type="application/json").status_code == 404
    assert [r["county"] for r in body(api_for(demo.city).get("/api/v1/disclosure-settings"))][:1] == ["340802000000"]


def test_questions_through_the_api(demo):
    q = services.ask(DAXIE, "村部维修花了多少钱？", contact="13912345678", now=dt.datetime(2025, 6, 2, tzinfo=dt.UTC))
    town = api_for(demo.township)
    rows = body(town.get("/api/v1/questions?state=overdue"))
    assert [(r["id"], r["overdue"], r["has_contact"]) for r in rows] == [(q.pk, True, True)]
    assert "13912345678" not in town.get("/api/v1/questions").content.decode()
    assert body(api_for(demo.other_township).get("/api/v1/questions")) == []
    assert api_for(demo.other_township).get(f"/api/v1/questions/{q.pk}").status_code == 404
    assert body(api_for(demo.accountant).get("/api/v1/questions")) == []  # village cadres do not read villagers' questions
    assert post(api_for(demo.auditor), f"/api/v1/questions/{q.pk}/answer", {"answer": "审计不答复"}).status_code == 403
    answered = body(post(town, f"/api/v1/questions/{q.pk}/answer", {"answer": "维修花费3000元，见6月公开。"}))
    assert answered["status"] == "answered" and answered["public_answer"] == "维修花费3000元，见6月公开。"
    assert post(town, f"/api/v1/questions/{q.pk}/answer", {"answer": "再答"}).status_code == 422
    stats = body(api_for(demo.county).get("/api/v1/questions/stats"))
    assert [(r["township"], r["asked"], r["answered"]) for r in stats] == [("主簿镇", 1, 1), ("合计", 1, 1)]


def test_the_question_list_masks_names_one_question_gives_the_text(demo):
    person(DAXIE, "王德明", 401)
    q = services.ask(DAXIE, "王德明家的土地流转费什么时候发？")
    town = api_for(demo.township)
    assert body(town.get("/api/v1/questions"))[0]["text"] == "王*明家的土地流转费什么时候发？"
    assert body(town.get(f"/api/v1/questions/{q.pk}"))["text"] == "王德明家的土地流转费什么时候发？"
