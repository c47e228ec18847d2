"""Pieces the oversight services share: today, the county and township of a code, and long id
lists cut into chunks for IN (…) clauses."""

import datetime as dt

from django.utils import timezone

CHUNK = 900  # ids per IN (…) clause


def today() -> dt.date:
    return timezone.localdate()


def county_of(code: str) -> str:
    return code[:6] + "000000"


def township_of(code: str) -> str:
    return code[:9] + "000"


def chunks(seq: list, n: int = CHUNK):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
