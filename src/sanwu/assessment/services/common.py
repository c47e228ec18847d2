"""Pieces every topic of the assessment services uses: today, the county of a code, a county
looked up for a service, typed text and years checked, and the history row each state change
writes."""

import datetime as dt

from django.utils import timezone

from sanwu.core.errors import Invalid, Problem
from sanwu.regions.models import Region

from ..models import History

MAX_TEXT = 2000


def today() -> dt.date:
    return timezone.localdate()


def county_code_of(code: str) -> str:
    return code[:6] + "000000"


def saved_by(user):
    """The user to store on a row as its author: None for the system operator."""
    return user if getattr(user, "pk", None) else None


def record_history(kind: str, obj, region_code: str, action: str, user, note: str = "") -> History:
    return History.objects.create(
        kind=kind, object_id=obj.pk, region_code=region_code, action=action, note=note[:MAX_TEXT], actor=saved_by(user)
    )


def county_or_invalid(code: str, field_name: str = "county") -> Region:
    """The registered county of that code, or `Invalid` naming `field_name`."""
    region = Region.objects.filter(code=code).first()
    if region is None or region.level != "county":
        raise Invalid(Problem(f"「{code}」不是已登记的县（区、市）", field=field_name))
    return region


def clean_text(value, label: str, field_name: str, problems: list[Problem], *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    """The text stripped; a problem added when it is required and empty, or too long."""
    text = (value or "").strip()
    if required and not text:
        problems.append(Problem(f"{label}不能为空", field=field_name))
    elif len(text) > max_length:
        problems.append(Problem(f"{label}不能超过{max_length}个字", field=field_name))
    return text


def checked_year(year, problems: list[Problem]) -> int:
    """The year when it is one (2000–2100), else 0 and a problem added."""
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(Problem(f"年度「{year}」无效（2000–2100）", field="year"))
        return 0
    return year
