"""Who may change what in the economy, and the region gate: the county supervisor edits its
county's rules, the township approves or rejects a cadre reward, the county revokes an approval.
The figures themselves are read through the scope gate (`core.permissions.visible`) by everyone
in scope; refusals go through `core.permissions.require`."""

from sanwu.core import permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.regions.models import Region

from .common import LEVELS

SETTINGS_ROLES = frozenset({"county_supervisor"})
APPROVE_ROLES = frozenset({"township_supervisor"})
REVOKE_ROLES = frozenset({"county_supervisor"})


def region_for(user, code: str) -> Region:
    """A city, county, township or village the user may see (`NotFound` otherwise, audited)."""
    if user is None and not Region.objects.filter(code=code).exists():
        raise Invalid(Problem(f"区划「{code}」不存在", field="region"))
    region = permissions.get_visible(Region, user, code=code)
    if region.level not in LEVELS:
        raise Invalid(Problem(f"「{region.name}」是{region.level_label}，请选择市、县、乡镇或村", field="region"))
    return region
