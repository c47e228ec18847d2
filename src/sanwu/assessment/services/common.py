"""Pieces every topic of the assessment services uses: the author stored on a row, a county
looked up for a service, typed text and years checked."""

from sanwu.core.errors import Problem
from sanwu.regions.models import Region
from sanwu.regions.services import registered_county

MAX_TEXT = 2000


def saved_by(user):
    """The user to store on a row as its author: None for the system operator."""
    return user if getattr(user, "pk", None) else None


def county_or_invalid(code: str, field_name: str = "county") -> Region:
    """The registered county of that code, or `Invalid` naming `field_name`."""
    return registered_county(code, field_name)


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
