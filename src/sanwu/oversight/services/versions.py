"""What the live feed's newest rows are made of (core.caching): the poll's stamp and ETag.

The rows show posted vouchers (which never change), their number of attachments and their
warnings; so the version is the ids and attachment counts of the newest rows and the warnings on
them, for this user and filter. Two users never share a version: an ETag learnt from someone
else's feed proves nothing about one's own.
"""

from sanwu.core.caching import etag

from ..models import Warning
from .feed import FeedFilter, feed as feed_vouchers


def feed_version(user, f: FeedFilter, rows: int) -> str:
    vouchers = list(feed_vouchers(user, f)[:rows].values_list("pk", "attachment_count"))
    warnings = list(
        Warning.objects.filter(voucher_id__in=[pk for pk, _ in vouchers])
        .order_by("pk")
        .values_list("pk", "voucher_id", "severity", "rule", "message")
    )
    return etag(user.pk, f, vouchers, warnings).strip('"')
