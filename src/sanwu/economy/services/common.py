"""What the economy's topics share: the levels a figure is asked for, the child region a village
lies in, and checking a year. Codes are cut by `core.codes`, the date is `core.dates.today`
(both re-exported here for the callers that write `services.county_of`, `services.today`)."""

from sanwu.core.codes import county_of, township_of
from sanwu.core.dates import today
from sanwu.core.errors import Invalid, Problem

LEVELS = ("city", "county", "township", "village")
CHILD_LEVEL = {"city": "county", "county": "township", "township": "village"}


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


__all__ = ["CHILD_LEVEL", "LEVELS", "check_year", "child_of", "county_of", "today", "township_of"]
