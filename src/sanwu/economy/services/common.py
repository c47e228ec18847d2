"""What the economy's topics share: the levels a figure is asked for, a village code's county and
township, checking a year, and today's date."""

import datetime as dt

from django.utils import timezone

from sanwu.core.errors import Invalid, Problem

LEVELS = ("city", "county", "township", "village")
CHILD_LEVEL = {"city": "county", "county": "township", "township": "village"}


def today() -> dt.date:
    return timezone.localdate()


def county_of(code: str) -> str:
    return code[:6] + "000000"


def township_of(code: str) -> str:
    return code[:9] + "000"


def child_of(code: str, level: str) -> str:
    """The code of the child region (one level below `level`) that village `code` lies in."""
    return {"county": county_of, "township": township_of, "village": lambda c: c}[CHILD_LEVEL[level]](code)


def check_year(year, label: str = "年份") -> int:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise Invalid(Problem(f"{label}「{year}」不是有效年份", field="year")) from None
    if not 1990 <= y <= today().year + 1:
        raise Invalid(Problem(f"{label}「{year}」超出范围（1990—{today().year + 1}）", field="year"))
    return y
