import json

from sanwu.workbench.services import workbench_for
from tests.conftest import api_client

from .conftest import post_journal


def body(resp):
    return json.loads(resp.content.decode())


def test_the_api_lists_budgets_in_scope_with_budget_and_actual(demo, book, approved):
    post_journal(demo.accountant, book, "2025-02-10 支付村部维修费\n  513   9000.00   -\n  102   -          9000.00    bank\n")
    client = api_client(demo.township)
    rows = body(client.get("/api/v1/budgets", {"year": 2025}))
    assert [(r["book"], r["status"], r["version"]) for r in rows] == [(book.code, "approved", 1)]
    one = body(client.get(f"/api/v1/budgets/{approved.pk}"))
    line = next(x for x in one["lines"] if x["code"] == "513")
    assert line["amount_fen"] == 1_200_000 and line["actual_fen"][1] == 900_000 and len(line["months_fen"]) == 12
    assert one["content_hash"] == approved.content_hash
    outsider = api_client(demo.other_accountant)
    assert body(outsider.get("/api/v1/budgets")) == []
    assert outsider.get(f"/api/v1/budgets/{approved.pk}").status_code == 404
    assert client.get("/api/v1/budgets", {"status": "nope"}).status_code == 422


def test_the_workbench_shows_the_draft_to_the_secretary_and_the_accountant(demo, draft):
    for user in (demo.secretary, demo.accountant):
        sections = {s.key: s for s in workbench_for(user) if s}
        assert sections["budgets"].count == 1, user
    assert "budgets" not in {s.key for s in workbench_for(demo.other_accountant) if s}
