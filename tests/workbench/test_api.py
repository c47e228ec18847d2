"""/api/v1/workbench and /api/v1/inbox: the same sections and messages as the pages, each with
the path of its page; another user's message answers 404 JSON."""

from sanwu.workbench import services
from tests.conftest import api_client


def test_workbench_api_lists_the_users_work(work, demo, book):
    resp = api_client(demo.accountant).get("/api/v1/workbench")
    assert resp.status_code == 200
    data = resp.json()
    keys = {s["key"]: s for s in data["sections"]}
    assert keys["drafts"]["count"] == 1
    assert keys["drafts"]["items"][0]["link"] == f"/books/{book.code}/vouchers/{work.draft.pk}/"
    assert data["total"] == sum(s["count"] for s in data["sections"])
    other = api_client(demo.other_accountant).get("/api/v1/workbench").json()
    links = [i["link"] for s in other["sections"] for i in s["items"]]
    assert f"/books/{book.code}/vouchers/{work.draft.pk}/" not in links


def test_inbox_api_read_and_outsider(work, demo, book):
    c = api_client(demo.accountant)
    data = c.get("/api/v1/inbox?unread=true").json()
    assert data["unread"] == data["count"] >= 1
    m = next(i for i in data["items"] if i["kind"] == "rejected")
    assert m["link"] == f"/books/{book.code}/vouchers/{work.rejected.pk}/" and m["read"] is False
    out = api_client(demo.other_accountant).post(f"/api/v1/inbox/{m['id']}/read")
    assert out.status_code == 404 and "detail" in out.json()
    done = c.post(f"/api/v1/inbox/{m['id']}/read").json()
    assert done["read"] is True
    assert c.post("/api/v1/inbox/read-all").json()["marked"] == data["count"] - 1
    assert services.unread_count(demo.accountant) == 0


def test_anonymous_api_is_refused(client, db):
    assert client.get("/api/v1/workbench").status_code == 401
    assert client.get("/api/v1/inbox").status_code == 401
