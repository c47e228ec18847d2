"""A county's settings for its villages' books (`CountyLedgerSettings`): read at posting and by
the closing deadlines, set by the county's supervisor (audited)."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from sanwu.core.codes import county_of
from sanwu.core.permissions import refuse
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.scope import can_write
from sanwu.regions.services import registered_county

from ..models import Book, CountyLedgerSettings
from .roles import audit_change

SETTINGS_ROLES = {"county_supervisor"}
NEGATIVE_CASH_MODES = dict(CountyLedgerSettings.NEGATIVE_CASH)


def negative_cash_mode(book: Book) -> str:
    """"refuse" or "hold": what the book's county does with a posting that takes cash below zero."""
    mode = CountyLedgerSettings.objects.filter(county_id=county_of(book.region_id)).values_list("negative_cash", flat=True).first()
    return mode or "refuse"


def receivable_age_years(county_codes) -> dict[str, int]:
    """The age in years beyond which each county warns about a receivable (default 3)."""
    codes = set(county_codes)
    rows = dict(CountyLedgerSettings.objects.filter(county_id__in=codes).values_list("county_id", "receivable_age_years"))
    default = CountyLedgerSettings._meta.get_field("receivable_age_years").default
    return {c: rows.get(c, default) for c in codes}


def set_receivable_age_years(user, county_code: str, years: int) -> CountyLedgerSettings:
    """A county supervisor sets how old a receivable may grow before the daily run warns about
    it (whole years, 1 to 30; audited, old and new value)."""
    ok = isinstance(years, int) and not isinstance(years, bool) and 1 <= years <= 30
    return _set(user, county_code, "receivable_age_years", years, None if ok else f"应收款账龄预警年限应为 1 到 30 之间的整数年，而不是「{years}」")


def set_negative_cash(user, county_code: str, mode: str) -> CountyLedgerSettings:
    """A county supervisor chooses whether a posting that takes cash below zero is refused or
    held for the reviewer (audited, old and new value)."""
    bad = None if mode in NEGATIVE_CASH_MODES else f"库存现金余额为负时的处理应为 refuse（不予记账）或 hold（留待审核人记账），而不是「{mode}」"
    return _set(user, county_code, "negative_cash", mode, bad)


def _county_to_set(user, county_code: str):
    """The county whose book settings `user` changes: its supervisor's only (refusal audited)."""
    county = registered_county(county_code)
    if user is not None and not can_write(user, county_code, SETTINGS_ROLES):
        refuse(user, "ledger.county_settings", county_code, county_code)
        raise Refused("只有本县的县级监管可以修改账务设置")
    return county


def _set(user, county_code: str, field: str, value, problem: str | None) -> CountyLedgerSettings:
    """One setting of a county changed by the county's supervisor, audited with the old and new
    value; `problem`: what is wrong with `value` (said once the user may change it at all)."""
    county = _county_to_set(user, county_code)
    if problem:
        raise Invalid(Problem(problem, field=field))
    with transaction.atomic():
        row, _ = CountyLedgerSettings.objects.select_for_update().get_or_create(county=county)
        old = getattr(row, field)
        setattr(row, field, value)
        row.updated_by = user
        row.save()
        audit_change(user, "ledger.county_settings.update", row, old={field: old}, new={field: value}, region_code=county_code)
    return row


DECEMBER_DEFAULT = (3, 31)


def december_close_by(county_codes: Iterable[str]) -> dict[str, tuple[int, int]]:
    """County code → (month, day) of the next year by which its books close December (default
    31 March): December stays open for the year end until then (docs/parts/yearend.md)."""
    codes = set(county_codes)
    rows = dict(
        (c, (m, d)) for c, m, d in CountyLedgerSettings.objects.filter(county_id__in=codes)
        .values_list("county_id", "december_close_month", "december_close_day")
    )
    return {c: rows.get(c, DECEMBER_DEFAULT) for c in codes}


def december_deadline(book: Book, year: int) -> dt.date:
    """The day by which the book's December of `year` is closed."""
    month, day = december_close_by([county_of(book.region_id)])[county_of(book.region_id)]
    return dt.date(year + 1, month, day)


def december_close_errors(month: int, day: int) -> list[str]:
    """What is wrong with a county's deadline for December (a day of the next year's first half)."""
    try:
        dt.date(2025, month, day)  # not a leap year: 29 February is no deadline every year
    except (TypeError, ValueError):
        return ["12月结账截止日期无效"]
    return [] if 1 <= month <= 6 else ["12月结账截止日期应在次年1月至6月之间"]


def set_december_deadline(user, county_code: str, month: int, day: int) -> CountyLedgerSettings:
    """A county supervisor sets the day of the next year by which December is closed (audited)."""
    county = _county_to_set(user, county_code)
    errors = december_close_errors(month, day)
    if errors:
        raise Invalid([Problem(e, field="december_close") for e in errors])
    with transaction.atomic():
        row, _ = CountyLedgerSettings.objects.select_for_update().get_or_create(county=county)
        old = {"month": row.december_close_month, "day": row.december_close_day}
        row.december_close_month, row.december_close_day, row.updated_by = month, day, user
        row.save()
        audit_change(user, "ledger.county_settings.update", row, old={"december_close": old}, new={"december_close": {"month": month, "day": day}}, region_code=county_code)
    return row
