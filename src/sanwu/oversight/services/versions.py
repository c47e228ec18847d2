"""What the live feed's newest rows are made of (core.caching): the poll's stamp and ETag.

The rows show posted vouchers and the warnings on them, and both only ever arrive: a posted
voucher never changes (nor its attachments: none are added once posted), a warning's severity,
rule and message are fixed when it is stored. So each township keeps a generation
(`FeedGeneration`), raised in the same transaction by the posting hook and by `store`, and the
version of a user's feed is the sum of the generations of the townships in the user's scope (they
only grow, so the sum changes whenever one does) with the user, the filter and the scope: one
small aggregate, whatever the size of the feed. Two users never share a version: an ETag learnt
from someone else's feed proves nothing about one's own.
"""

from collections.abc import Iterable

from django.db import connection

from sanwu.core.caching import etag
from sanwu.core.scope import prefixes_of

from ..models import FeedGeneration
from .feed import FeedFilter

_TABLE = FeedGeneration._meta.db_table


def bump(township_codes: Iterable[str | None]) -> None:
    """Raise the generation of these townships (inside the transaction that changed their rows)."""
    codes = sorted({c for c in township_codes if c})
    if not codes:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {qn(_TABLE)} (township_code, generation) VALUES (%s, 1) "
            f"ON CONFLICT (township_code) DO UPDATE SET generation = {qn(_TABLE)}.generation + 1",
            [(c,) for c in codes],
        )


def warning_saved(sender, instance, **kwargs) -> None:
    """A warning saved through the ORM (a status change, the admin): what its feed row shows may
    have changed. The posting hook and `store` write warnings in plain SQL and bump themselves."""
    if instance.voucher_id is not None:
        bump([instance.township_code])


def feed_version(user, f: FeedFilter, rows: int) -> str:
    """The stamp of the newest `rows` rows of the user's feed with filter `f`. Read it before the
    rows themselves: a posting in between then shows as a newer stamp at the next poll."""
    prefixes = [p[:9] for p in prefixes_of(user)]  # a village's or group's rows are in its township's
    total = 0
    if prefixes:
        qn = connection.ops.quote_name
        where = " OR ".join(["township_code LIKE %s"] * len(prefixes))
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(SUM(generation), 0) FROM {qn(_TABLE)} WHERE {where}", [p + "%" for p in prefixes])
            total = int(cur.fetchone()[0])
    return etag(user.pk, f, rows, prefixes, total).strip('"')
