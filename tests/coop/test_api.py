"""The cooperative over the API: the same gate as the pages, masked people, shares as text."""

import datetime as dt
import json

import pytest

from sanwu.coop.imports import import_members
from sanwu.coop.models import ShareOperation

from ..conftest import api_client
from .conftest import make_id, sheet
from .test_import import book_of, no_cap, rows  # noqa: F401  (the fixture)


@pytest.fixture
def imported(demo, coop, no_cap):
    import_members(demo.accountant, book_of(coop), sheet(rows()), "名册.csv", dt.date(2025, 1, 1))
    return coop


def post(api, path, body):
    return api.post(path, json.dumps(body), content_type="application/json")


def test_members_holdings_and_register(demo, imported):
    api = api_client(demo.township)
    base = f"/api/v1/coop/{imported.pk}"
    people = api.get(f"{base}/members").json()
    assert len(people) == 4 and people[0]["name"] == "王*山" and make_id(1) not in str(people)
    held = api.get(f"{base}/holdings").json()
    assert held[0] == {"holder": "001", "kind": "household", "head": "王*山", "shares": {"人口股": "2.00", "劳龄股": "2.50", "集体股": "0.00"}, "total": "4.50"}
    assert api.get(f"{base}/holdings?date=2024-12-31").json() == []
    ops = api.get(f"{base}/register").json()
    assert [o["number"] for o in ops] == [1, 2, 3, 4] and ops[-1]["to_holder"] == "集体"
    assert any(c["id"] == imported.pk for c in api.get("/api/v1/coop").json())


def test_a_change_through_the_api_and_its_refusals(demo, imported):
    base = f"/api/v1/coop/{imported.pk}"
    body = {"kind": "gift", "share_class": "人口股", "from_holder": "001", "to_holder": "002", "shares": "0.25", "on": "2025-05-01", "approval": "理事会决定"}
    assert post(api_client(demo.township), f"{base}/register", body).status_code == 403
    r = post(api_client(demo.accountant), f"{base}/register", body)
    assert r.status_code == 201 and r.json()["shares"] == "0.25" and r.json()["number"] == 5
    bad = post(api_client(demo.accountant), f"{base}/register", {**body, "to_holder": "外村"})
    assert bad.status_code == 422 and "没有外村户" in bad.text
    assert ShareOperation.objects.filter(collective=imported).count() == 5


def test_the_outsider_gets_404(demo, imported):
    for user in (demo.other_accountant, demo.other_township):
        api = api_client(user)
        for path in ("members", "holdings", "register", "rosters"):
            assert api.get(f"/api/v1/coop/{imported.pk}/{path}").status_code == 404
        assert all(c["id"] != imported.pk for c in api.get("/api/v1/coop").json())
