"""Disclosure periods (a month or a quarter), the county's settings (frequency, due day, answer
deadline) and the regions they are looked up by."""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from sanwu.core import audit
from sanwu.core.codes import county_of
from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.permissions import may, refuse
from sanwu.regions.models import Region
from sanwu.regions.services import registered_county

from ..models import DisclosureSettings
from .permissions import SETTINGS_ROLES


@dataclass(frozen=True)
class Period:
    year: int
    month_from: int
    month_to: int

    @property
    def kind(self) -> str:
        return "month" if self.month_from == self.month_to else "quarter"

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{(self.month_to + 2) // 3}"
        return f"{self.year}-{self.month_to:02d}"

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[(self.month_to - 1) // 3]}季度"
        return f"{self.year}年{self.month_to}月"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month_from, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month_to, calendar.monthrange(self.year, self.month_to)[1])


def period_errors(year: int, month_from: int, month_to: int) -> list[Problem]:
    try:
        year, month_from, month_to = int(year), int(month_from), int(month_to)
    except (TypeError, ValueError):
        return [Problem("期间应为年份和月份（整数）")]
    if not 2000 <= year <= 2999 or not 1 <= month_from <= 12 or not 1 <= month_to <= 12:
        return [Problem("年份或月份无效")]
    if month_from == month_to or (month_from % 3 == 1 and month_to == month_from + 2):
        return []
    return [Problem("公开期间应为一个月或一个季度（1—3月、4—6月、7—9月、10—12月）")]


def parse_period(key: str) -> Period:
    """「2020-03」 (a month) or 「2020-Q1」 (a quarter)."""
    text = (key or "").strip().upper()
    try:
        year_text, rest = text.split("-", 1)
        year = int(year_text)
        if rest.startswith("Q"):
            q = int(rest[1:])
            if not 1 <= q <= 4:
                raise ValueError
            period = Period(year, 3 * q - 2, 3 * q)
        else:
            m = int(rest)
            period = Period(year, m, m)
    except ValueError:
        period = None
    if period is None or period_errors(period.year, period.month_from, period.month_to):
        raise Invalid(Problem(f"期间「{key}」无效：应写作 2020-03（月度）或 2020-Q1（季度）"))
    return period


def period_containing(frequency: str, year: int, month: int) -> Period:
    if frequency == "quarterly":
        q = (month - 1) // 3
        return Period(year, 3 * q + 1, 3 * q + 3)
    return Period(year, month, month)


def find_village(code: str) -> Region | None:
    return Region.objects.filter(code=code, level="village").select_related("parent").first()


def settings_for(code: str) -> DisclosureSettings:
    """The settings of the county a region lies in (the defaults, unsaved, until the county sets its own)."""
    county = county_of(code)
    found = DisclosureSettings.objects.filter(county_id=county).first()
    return found or DisclosureSettings(county_id=county)


def due_date(settings: DisclosureSettings, period: Period) -> dt.date:
    """The day by which the period must be published: the county's due day of the next month."""
    y, m = (period.year + 1, 1) if period.month_to == 12 else (period.year, period.month_to + 1)
    return dt.date(y, m, min(settings.due_day, calendar.monthrange(y, m)[1]))


def update_settings(user, county_code: str, frequency: str, due_day: int, answer_days: int) -> DisclosureSettings:
    county = registered_county(county_code)
    if not may(user, SETTINGS_ROLES, county.code):
        refuse(user, "disclosure.settings", county.code, county.code)
        raise Refused("只有县级监管可以修改本县的公开设置")
    problems = []
    if frequency not in dict(DisclosureSettings.FREQUENCIES):
        problems.append(Problem("公开频次应为每月（monthly）或每季度（quarterly）"))
    try:
        due_day, answer_days = int(due_day), int(answer_days)
    except (TypeError, ValueError):
        raise Invalid(problems + [Problem("截止日和答复期限应为整数")]) from None
    if not 1 <= due_day <= 28:
        problems.append(Problem("截止日应在次月1日至28日之间"))
    if not 1 <= answer_days <= 60:
        problems.append(Problem("答复期限应为1至60天"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        row = DisclosureSettings.objects.select_for_update().filter(county=county).first()
        old = {"frequency": row.frequency, "due_day": row.due_day, "answer_days": row.answer_days} if row else None
        if row is None:
            row = DisclosureSettings(county=county)
        row.frequency, row.due_day, row.answer_days, row.updated_by = frequency, due_day, answer_days, user
        row.save()
        audit.record(
            "disclosure.settings", row, actor=user, old=old,
            new={"frequency": frequency, "due_day": due_day, "answer_days": answer_days}, region_code=county.code,
        )
    return row
