"""What waits in 资金支付审批, for the workbench (`sanwu.workbench`): the requests the user acts on
next (the secretary's to approve, the township's to review, the accountant's sent back or
waiting for their voucher), the oldest first."""

from sanwu.core import permissions

from ..models import PaymentRequest


def requests_waiting(user, roles, statuses, limit: int = 8) -> tuple[int, list[PaymentRequest]]:
    qs = permissions.visible(PaymentRequest, user, set(roles)).filter(status__in=list(statuses))
    rows = list(qs.select_related("book__region").order_by("updated_at", "id")[:limit])
    count = len(rows) if len(rows) < limit else qs.count()
    return count, rows
