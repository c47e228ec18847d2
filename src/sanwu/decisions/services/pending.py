"""What waits in 四议两公开, for the workbench (`sanwu.workbench`): matters in progress that the
user records stages of, the least recently moved first, each with the stage that comes next."""

from sanwu.core import permissions

from ..models import Matter
from .. import rules
from ..rules import STAGE_KEYS, STAGE_LABELS


def _next_label(matter: Matter) -> str:
    """The stage to record next, from the last one completed (stages go in order)."""
    done = set(STAGE_KEYS[: STAGE_KEYS.index(matter.stage) + 1]) if matter.stage in STAGE_KEYS else set()
    key = rules.next_stage(done, matter.merged_first_steps)
    return STAGE_LABELS[key] if key else ""


def matters_waiting(user, roles, purpose: str | None = None, exclude_purpose: str | None = None, limit: int = 8) -> tuple[int, list[Matter]]:
    qs = permissions.visible(Matter, user, set(roles)).filter(status="in_progress")
    if purpose:
        qs = qs.filter(purpose=purpose)
    if exclude_purpose:
        qs = qs.exclude(purpose=exclude_purpose)
    rows = list(qs.select_related("village").order_by("updated_at", "id")[:limit])
    count = len(rows) if len(rows) < limit else qs.count()
    for m in rows:
        m.next_label = _next_label(m)
    return count, rows
