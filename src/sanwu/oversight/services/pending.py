"""What waits in oversight, for the workbench (`sanwu.workbench`): warnings in a state the user
must act on, through the roles that act on them, with the day their answer is due; open
warnings past their response days, counted per township."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from sanwu.core import permissions

from ..models import Warning
from ..rules import RULES
from .lifecycle import overdue_q
from .settings import params_by_county

TOWNSHIP_RULES = sorted(code for code, r in RULES.items() if r.responsible == "township")


def warnings_waiting(user, roles, statuses, responsible: str | None = None, limit: int = 8) -> tuple[int, list[Warning]]:
    """(how many, the oldest `limit`) warnings in `statuses` the user sees through `roles`; with
    `responsible` ("village" / "township") only the rules that party explains. Each row carries
    `due`: the last day of its county's response days (for an open warning)."""
    qs = permissions.visible(Warning, user, set(roles)).filter(status__in=list(statuses))
    if responsible == "township":
        qs = qs.filter(rule__in=TOWNSHIP_RULES)
    elif responsible == "village":
        qs = qs.exclude(rule__in=TOWNSHIP_RULES)
    rows = list(qs.select_related("village").order_by("created_at", "id")[:limit])
    count = len(rows) if len(rows) < limit else qs.count()
    params = params_by_county({w.county_code for w in rows})
    for w in rows:
        days = params[w.county_code].response_days
        w.due = timezone.localtime(w.created_at).date() + dt.timedelta(days=days) if w.status == "open" else None
    return count, rows


def overdue_by_township(user, roles) -> dict[str, int]:
    """Open warnings past their response days, per township code, as the user sees them."""
    qs = permissions.visible(Warning, user, set(roles)).filter(overdue_q())
    return {r["township_code"]: r["n"] for r in qs.values("township_code").annotate(n=Count("id")).order_by()}
