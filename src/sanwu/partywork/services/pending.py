"""What waits in the task ledger, for the workbench (`sanwu.workbench`): tasks on the owner side
that are the owners' turn (assigned or returned), and tasks reported to the user's body for
verification — earliest deadline first."""

from django.db.models import Q

from sanwu.core import permissions
from sanwu.core.scope import READ_ONLY_ROLES, grants_of, prefixes_of

from ..models import Task
from .access import ASSIGN_ROLES, REPORT_ROLES


def _first(qs, limit: int) -> tuple[int, list[Task]]:
    rows = list(qs.select_related("region").order_by("deadline", "id")[:limit])
    return (len(rows) if len(rows) < limit else qs.count()), rows


def tasks_to_do(user, limit: int = 8) -> tuple[int, list[Task]]:
    """Tasks of the user's own regions (or naming the user as an owner) in the owners' turn."""
    own = [g.region_code for g in grants_of(user) if g.role in REPORT_ROLES and g.role not in READ_ONLY_ROLES]
    mine = Task.objects.filter(Q(region_id__in=own) | Q(owners__user=user)).values("pk")
    return _first(permissions.visible(Task, user).filter(status__in=Task.TODO, pk__in=mine), limit)


def tasks_to_verify(user, limit: int = 8) -> tuple[int, list[Task]]:
    """Reported tasks assigned by a body the user verifies for (`may_verify`)."""
    prefixes = prefixes_of(user, set(ASSIGN_ROLES) - READ_ONLY_ROLES)
    if not prefixes:
        return 0, []
    cond = Q()
    for p in prefixes:
        cond |= Q(assigner_region__code__startswith=p)
    return _first(permissions.visible(Task, user).filter(cond, status="reported"), limit)
