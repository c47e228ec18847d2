"""schemathesis against the published /api/v1/openapi.json, with a token of each role: every
operation answers without a server error, with a status code it publishes and a body that matches
its published schema — for data that fits the schema and for data that does not.

The budget is SANWU_FUZZ_EXAMPLES examples per operation and role (3 in `make test`, more in
`make fuzz`, which selects this file by its `fuzz` mark). Requests go straight to the WSGI
application (no network). Every example runs in a savepoint that is rolled back, so each one sees
the same small world: the demo city, a book with posted vouchers and a draft, a disclosure, a
villager's question, a 四议两公开 matter, a Party organisation and a task, an analysis round, a
rectification and an assessment — so path parameters name real rows as well as random ones.
"""

import datetime as dt
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from sanwu.disclosure import services as disclosure
from sanwu.ledger import services as ledger
from sanwu.regions.services import issue_token
from tests.conftest import api_client, finance_reviewed
from tests.disclosure.conftest import MARCH
from tests.ledger.journal import parse

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("SANWU_FUZZ_EXAMPLES", "3"))
DEEP = "SANWU_FUZZ_EXAMPLES" in os.environ  # `make fuzz`: random seeds, shrinking
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = {  # role → the persona of tests/conftest.py
    "city_admin": "city",
    "county_supervisor": "county",
    "township_supervisor": "township",
    "village_accountant": "accountant",
    "village_secretary": "secretary",
    "auditor": "auditor",
}
YUEXI, TOWN_1, V1 = "340828000000", "340828100000", "340828100200"


def _api(user, method, url, payload=None):
    resp = getattr(api_client(user), method)(url, payload or {}, content_type="application/json")
    assert resp.status_code < 300, (url, resp.status_code, resp.content.decode())
    return resp.json()


@pytest.fixture
def world(demo, settings, tmp_path):
    """One of each thing the API names by a path parameter, in the accountant's village and
    township of the demo city; returns the known value of each path parameter by path prefix.
    Uploaded files go to a temporary media directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    book = ledger.create_book(None, "FUZZ-DX", V1, "2023", start_date=dt.date(2025, 1, 1))
    ledger.confirm_opening(None, book)
    posted = ledger.post_drafts(demo.accountant, book, parse(MARCH))
    draft = ledger.save_draft(demo.accountant, book, parse("2025-04-02 购买办公用品\n  513 300.00 -\n  101 - 300.00 cash\n")[0])
    finance_reviewed(book, 2025, 3)
    published = disclosure.publish(demo.secretary, disclosure.confirm(demo.secretary, disclosure.prepare(demo.accountant, book, 2025, 3)))
    question = disclosure.ask(V1, "村里光伏收入怎么用的？")
    matter = _api(demo.secretary, "post", "/api/v1/decisions", {"village": V1, "title": "村组道路硬化工程", "category": "tendering", "purpose": "expenditure", "amount_fen": 38600000, "year": 2025})
    org = _api(demo.county, "post", "/api/v1/party-orgs", {"name": "中共主簿镇委员会", "kind": "committee", "region": TOWN_1, "start_date": "1990-01-01"})
    task = _api(demo.county, "post", "/api/v1/tasks", {"title": "党员发展工作", "region": TOWN_1, "deadline": "2030-06-30", "source_kind": "meeting"})
    rnd = _api(demo.county, "post", "/api/v1/analysis-rounds", {"county": YUEXI, "held_on": "2021-03-16"})
    _api(demo.township, "put", f"/api/v1/analysis-rounds/{rnd['id']}/ratings/{V1}", {"rating": "weak", "findings": "书记不在村"})
    _api(demo.county, "post", f"/api/v1/analysis-rounds/{rnd['id']}/review", {})
    difficult = _api(demo.county, "get", "/api/v1/difficult-villages")[0]
    case = _api(demo.county, "post", "/api/v1/rectifications/screenings", {"village": V1, "year": 2021, "situations": [2, 4], "screened_on": "2021-03-20"})["rectification"]
    assessment = _api(demo.county, "post", "/api/v1/assessments", {"county": YUEXI, "year": 2021})
    payment = _api(demo.accountant, "post", "/api/v1/payments", {
        "book": book.code, "payee_name": "县路桥公司", "payee_kind": "organisation", "payee_account": "6228480012345678901",
        "payee_bank": "农商银行", "amount_fen": 800000, "purpose": "道路维修", "account": "513"})
    from sanwu.oversight.models import Warning

    from sanwu.workbench.models import Message

    warning = Warning.objects.filter(book=book).first()
    message = Message.objects.filter(recipient=demo.accountant).first()
    ids = {
        "/api/v1/books/": {"code": book.code, "id": posted[-1].pk},
        "/api/v1/decisions": {"id": matter["id"], "stage": "proposal", "voucher_id": posted[0].pk},
        "/api/v1/oversight/warnings": {"id": warning.pk if warning else None},
        "/api/v1/oversight/settings": {"county": YUEXI},
        "/api/v1/disclosures": {"id": published.pk},
        "/api/v1/disclosure-settings": {"county": YUEXI},
        "/api/v1/questions": {"id": question.pk},
        "/api/v1/public/villages": {"code": V1, "id": published.pk},
        "/api/v1/regions": {"code": V1},
        "/api/v1/economy/": {"village": V1, "year": 2025, "county": YUEXI, "action": "approve"},
        "/api/v1/party-orgs": {"id": org["id"]},
        "/api/v1/tasks": {"id": task["id"]},
        "/api/v1/analysis-rounds": {"id": rnd["id"], "village": V1},
        "/api/v1/difficult-villages": {"id": difficult["id"]},
        "/api/v1/rectifications": {"id": case["id"]},
        "/api/v1/assessments": {"id": assessment["id"]},
        "/api/v1/inbox": {"id": message.pk if message else None},
        "/api/v1/payments": {"id": payment["id"]},
    }
    return demo, ids, draft


@pytest.fixture
def wsgi_app():
    """Django's WSGI application on the test database: as Django's test client does, the
    connection stays open across requests (it holds the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def known_path_parameters(ids: dict, path: str) -> dict | None:
    """The real rows for the path's parameters, when every one of them is known."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return None
    for prefix, values in ids.items():
        if path.startswith(prefix) and all(values.get(n) is not None for n in names):
            return {n: values[n] for n in names}
    return None


def strategies(operation, known: dict | None):
    out = [operation.as_strategy(GenerationMode.POSITIVE)]
    if known:
        out.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
    try:
        out.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001  (an operation without anything to break)
        pass
    return st.one_of(out)


def fuzz_operation(operation, strategy, headers: dict) -> str | None:
    """Run the operation's examples; the first failure as text, or None."""

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=not DEEP, print_blob=DEEP,
        phases=[Phase.explicit, Phase.generate] + ([Phase.shrink] if DEEP else []),
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        with transaction.atomic():
            try:
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
            finally:
                transaction.set_rollback(True)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  (collected, reported together below)
        return f"{operation.label}: {str(exc).strip()[:1500]}"
    return None


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_keeps_to_its_schema_for_every_role(world, wsgi_app, role):
    demo, ids, _draft = world
    user = getattr(demo, ROLES[role])
    assert user.role_assignments.get().role == role
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failure = fuzz_operation(operation, strategies(operation, known_path_parameters(ids, operation.path)), headers)
        if failure:
            failures.append(failure)
    assert operations > 100
    assert not failures, f"{len(failures)} 个接口不合格（{role}）：\n\n" + "\n\n".join(failures)
