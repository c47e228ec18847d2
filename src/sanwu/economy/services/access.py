"""Who may do what with the economy, and the region gate: the county supervisor edits its
county's rules, the township approves or rejects a cadre reward, the county revokes an approval.
The figures themselves are read through the scope gate by everyone in scope."""

from sanwu.core.errors import Invalid, Problem, Refused
from sanwu.core.permissions import get_visible_or_404, refuse
from sanwu.core.scope import can_write
from sanwu.regions.models import Region

from .common import LEVELS

SETTINGS_ROLES = {"county_supervisor"}
APPROVE_ROLES = {"township_supervisor"}
REVOKE_ROLES = {"county_supervisor"}


def visible(model, user):
    """The system operator (None) sees everything; a user what the scope gate lets through."""
    return model.objects.all() if user is None else model.objects.visible_to(user)


def require(user, code: str, roles: set[str], what: str) -> None:
    if user is not None and not can_write(user, code, roles):
        refuse(user, f"economy.{what}", code, code)
        raise Refused(f"无权{what}（{code}）")


def region_for(user, code: str) -> Region:
    """A city, county, township or village the user may see (404 otherwise, audited)."""
    if user is None:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Invalid(Problem(f"区划「{code}」不存在", field="region"))
    else:
        region = get_visible_or_404(Region, user, code=code)
    if region.level not in LEVELS:
        raise Invalid(Problem(f"「{region.name}」是{region.level_label}，请选择市、县、乡镇或村", field="region"))
    return region
