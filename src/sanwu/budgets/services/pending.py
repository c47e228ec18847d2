"""What waits in budgets, for the workbench: drafts the user records the approval of (the
secretary) or is still drafting (the accountant), the oldest first."""

from sanwu.core import permissions

from ..models import Budget


def budgets_waiting(user, roles, limit: int = 8) -> tuple[int, list[Budget]]:
    qs = permissions.visible(Budget, user, set(roles)).filter(status="draft")
    rows = list(qs.select_related("book__region").order_by("updated_at", "id")[:limit])
    count = len(rows) if len(rows) < limit else qs.count()
    return count, rows
