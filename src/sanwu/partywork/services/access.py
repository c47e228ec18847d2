"""Who may do what in party work. Every service checks these itself; pages, the API, the imports
and the CLI call them to show only the buttons a user may use.

- assign: a county supervisor (or the city) for tasks in its county — townships, villages, and
  the county itself (its departments); a township supervisor for its villages.
- report: the owners — a user named as owner, or the body at the task's own region (the township
  supervisor for a township task, the village secretary for a village task, the county for a
  county department's task).
- verify, send back, close, extend, reassign: the assigning body (`assigner_region`) and those
  above it, never the user who made the report being verified.
- organisations: the organisation department for every kind; a township for the temporary kinds
  it sets up itself.
- talks: only the organisation department (county supervisor, city admin) sees and records them.
"""

from sanwu.core import permissions
from sanwu.core.codes import region_level
from sanwu.core.scope import READ_ONLY_ROLES, code_in_scope, grants_of

from sanwu.regions.models import Region

from ..models import ORG_DEPT_ROLES, PartyOrg, Task
from .common import TOWNSHIP_ORG_KINDS

ASSIGN_ROLES = frozenset({"city_admin", "county_supervisor", "township_supervisor"})
REPORT_ROLES = frozenset({"city_admin", "county_supervisor", "township_supervisor", "village_secretary"})
# Who may keep the organisation register: the organisation department for every kind; a township
# for the temporary kinds it sets up itself.
ORG_WRITE_ROLES = frozenset({"county_supervisor", "city_admin", "township_supervisor"})


def assigning_grant(user, region_code: str):
    """The grant through which `user` may assign a task at `region_code` (the most specific), or
    None. County and city may assign at their own level (their departments); a township only
    below itself (its villages)."""
    best = None
    for g in grants_of(user):
        if g.role not in ASSIGN_ROLES or g.role in READ_ONLY_ROLES or not region_code.startswith(g.prefix):
            continue
        if g.region_code == region_code and region_level(g.region_code) not in ("county", "city"):
            continue
        if best is None or len(g.prefix) > len(best.prefix):
            best = g
    return best


def may_assign(user, region_code: str) -> bool:
    return user is None or assigning_grant(user, region_code) is not None


def may_assign_somewhere(user) -> bool:
    return any(g.role in ASSIGN_ROLES for g in grants_of(user))


def assignable_regions(user):
    """The regions the user may assign to (their county and below for the county; villages for a
    township), in code order."""
    regions = Region.objects.visible_to(user).filter(level__in=("city", "county", "township", "village")).select_related("parent").order_by("code")
    return [r for r in regions[:5000] if may_assign(user, r.code)]


def is_owner_side(user, task: Task) -> bool:
    """A named owner, or the body sitting at the task's own region (by a reporting role)."""
    if user is None:
        return True
    if any(g.role in REPORT_ROLES and g.region_code == task.region_id for g in grants_of(user)):
        return True
    return task.owners.filter(user=user).exists() and code_in_scope(user, task.region_id, REPORT_ROLES)


def may_report(user, task: Task) -> bool:
    return is_owner_side(user, task)


def may_verify(user, task: Task) -> bool:
    return permissions.may(user, ASSIGN_ROLES, task.assigner_region_id)


def may_change(user, task: Task) -> bool:
    """Extend or reassign: the assigning body and those above it (the county organisation
    department over a township's task) — never the owners themselves."""
    return may_verify(user, task)


def may_write_org(user, region_code: str, kind: str) -> bool:
    if user is None:
        return True
    if permissions.may(user, ORG_DEPT_ROLES, region_code):
        return True
    return kind in TOWNSHIP_ORG_KINDS and permissions.may(user, {"township_supervisor"}, region_code)


def may_write_org_somewhere(user) -> bool:
    return any(g.role in ORG_WRITE_ROLES for g in grants_of(user))


def org_writer_regions(user):
    """Regions where the user may set up some kind of organisation."""
    regions = Region.objects.visible_to(user).filter(level__in=("city", "county", "township", "village")).select_related("parent").order_by("code")
    return [r for r in regions[:5000] if any(may_write_org(user, r.code, k) for k, _ in PartyOrg.KINDS)]


def may_see_names(user, region_code: str) -> bool:
    """Full names of members and leaders: the county organisation department only."""
    return user is None or code_in_scope(user, region_code, set(ORG_DEPT_ROLES))


def may_see_talks(user) -> bool:
    return any(g.role in ORG_DEPT_ROLES for g in grants_of(user))
