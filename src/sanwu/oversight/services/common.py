"""Pieces the oversight services share: a region filter checked against the user's scope, and
long id lists cut into chunks for IN (…) clauses."""

from sanwu.core.errors import NotFound
from sanwu.core.permissions import refuse
from sanwu.core.scope import code_in_scope

CHUNK = 900  # ids per IN (…) clause


def region_in_scope(user, code: str, what: str) -> str:
    """`code` when the user's scope covers it (the operator's covers all), else `NotFound`, the
    refusal audited as `what`. For the region filters of lists, dashboards and the queue."""
    if user is not None and code and not code_in_scope(user, code):
        refuse(user, what, region_code=code)
        raise NotFound()
    return code


def chunks(seq: list, n: int = CHUNK):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
