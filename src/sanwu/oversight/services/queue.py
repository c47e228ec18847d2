"""The review queue: vouchers submitted and waiting for review."""

from sanwu.core.codes import region_prefix
from sanwu.ledger.models import Voucher


def review_queue(user, region_code: str = ""):
    """Vouchers submitted and waiting for review in the user's scope, oldest first."""
    qs = Voucher.objects.visible_to(user).filter(status="submitted")
    if region_code:
        qs = qs.filter(book__region__code__startswith=region_prefix(region_code))
    return qs.select_related("book__region__parent", "maker").order_by("submitted_at", "id")
