"""What the public village pages are frozen on (core.caching): a few small queries whose answer
changes whenever the page would. None: no such village or published disclosure.

A village's page changes when a disclosure is published or withdrawn (its id, the chain head it was
frozen with, its fingerprint), when its book gets a posting (the check against the books may change),
when a question is asked or answered, when a 四议两公开 matter moves on, each day (deadlines and
due dates pass), and when a section another app adds would change (`hooks.public_versions`). What
changes without any of these (a renamed region, someone registered whose name is then masked,
tampering behind the triggers' back) shows within core.caching.FROZEN_SECONDS.
"""

from django.db import connection

from sanwu.core.dates import today

from sanwu.decisions.models import Matter, StageRecord
from sanwu.ledger.models import Book
from sanwu.regions.models import Region

from .. import hooks
from ..models import Disclosure, Question

# One statement (it runs for every request of a public page): a handful of ORM queries cost 7 ms.
_VILLAGE = """
SELECT r.name, p.name,
  (SELECT COUNT(*) FROM {d} d WHERE d.village_id = r.code AND d.status = 'published'),
  (SELECT MAX(d.id) FROM {d} d WHERE d.village_id = r.code AND d.status = 'published'),
  (SELECT MAX(d.published_at) FROM {d} d WHERE d.village_id = r.code AND d.status = 'published'),
  (SELECT SUM(b.posted_count) FROM {b} b WHERE b.id IN (SELECT d.book_id FROM {d} d WHERE d.village_id = r.code AND d.status = 'published')),
  (SELECT MAX(b.chain_head) FROM {b} b WHERE b.id IN (SELECT d.book_id FROM {d} d WHERE d.village_id = r.code AND d.status = 'published')),
  (SELECT COUNT(*) FROM {q} q WHERE q.village_id = r.code AND q.status = 'answered'),
  (SELECT MAX(q.answered_at) FROM {q} q WHERE q.village_id = r.code AND q.status = 'answered'),
  (SELECT COUNT(*) FROM {q} q WHERE q.village_id = r.code),
  (SELECT MAX(q.asked_at) FROM {q} q WHERE q.village_id = r.code),
  (SELECT MAX(b.posted_count) FROM {b} b WHERE b.region_id = r.code),
  (SELECT COUNT(*) FROM {m} m WHERE m.village_id = r.code),
  (SELECT MAX(m.updated_at) FROM {m} m WHERE m.village_id = r.code),
  (SELECT COUNT(*) FROM {s} s WHERE s.matter_id IN (SELECT m.id FROM {m} m WHERE m.village_id = r.code))
FROM {r} r LEFT JOIN {r} p ON p.code = r.parent_id
WHERE r.code = %s AND r.level = 'village'
"""


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def village(code: str) -> tuple | None:
    """Also today's date: a question's deadline and a period's due date pass with the days."""
    sql = _VILLAGE.format(d=_table(Disclosure), b=_table(Book), q=_table(Question), m=_table(Matter), s=_table(StageRecord), r=_table(Region))
    with connection.cursor() as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    return (*row, today().isoformat(), hooks.public_versions(code)) if row is not None else None


_DISCLOSURE = """
SELECT r.name, p.name, d.id, d.published_at, d.chain_head, d.snapshot_hash, b.posted_count, b.chain_head
FROM {d} d JOIN {b} b ON b.id = d.book_id JOIN {r} r ON r.code = d.village_id LEFT JOIN {r} p ON p.code = r.parent_id
WHERE d.id = %s AND d.village_id = %s AND d.status = 'published' AND r.level = 'village'
"""


def disclosure(code: str, pk: int) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(_DISCLOSURE.format(d=_table(Disclosure), b=_table(Book), r=_table(Region)), [pk, code])
        return cursor.fetchone()
