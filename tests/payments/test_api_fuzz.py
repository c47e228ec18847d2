"""The payments API under schemathesis alone (the whole API's run is `tests/test_api_fuzz.py`,
which knows a payment request too): no 5xx, nothing outside the published schema, every role."""

import pytest
import schemathesis

from sanwu.regions.services import issue_token

from ..test_api_fuzz import ROLES, fuzz_operation, known_path_parameters, strategies, world, wsgi_app  # noqa: F401

pytestmark = pytest.mark.fuzz


@pytest.mark.parametrize("role", ["village_accountant", "village_secretary", "township_supervisor"])
def test_payments_operations_keep_to_their_schema(world, wsgi_app, role):  # noqa: F811
    demo, ids, _draft = world
    user = getattr(demo, ROLES[role])
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/payments"):
            continue
        operations += 1
        failure = fuzz_operation(operation, strategies(operation, known_path_parameters(ids, operation.path)), headers)
        if failure:
            failures.append(failure)
    assert operations == 8
    assert not failures, "\n\n".join(failures)
