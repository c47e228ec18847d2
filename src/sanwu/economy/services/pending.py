"""What waits in the economy, for the workbench (`sanwu.workbench`): cadre rewards the township
did not approve or the county revoked (the village may bring a new decision), newest year first."""

from sanwu.core import permissions

from ..models import CadreReward


def rewards_waiting(user, roles, statuses=("rejected", "revoked"), limit: int = 8) -> tuple[int, list[CadreReward]]:
    qs = permissions.visible(CadreReward, user, set(roles)).filter(status__in=list(statuses))
    rows = list(qs.select_related("village").order_by("-year", "village_id")[:limit])
    return (len(rows) if len(rows) < limit else qs.count()), rows
