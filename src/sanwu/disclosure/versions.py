"""What the public village pages are frozen on (core.caching): a few small queries whose answer
changes whenever the page would. None: no such village or published disclosure.

A village's page changes when a disclosure is published or withdrawn (its id, the chain head it was
frozen with, its fingerprint), when its book gets a posting (the check against the books may change),
when a question is answered and when a 四议两公开 matter moves on. What changes without any of these
(a renamed region, someone registered whose name is then masked, tampering behind the triggers'
back) shows within core.caching.FROZEN_SECONDS.
"""

from django.db.models import Count, Max

from sanwu.decisions.models import Matter, StageRecord
from sanwu.ledger.models import Book
from sanwu.regions.models import Region

from .models import Disclosure, Question


def _books(book_ids) -> tuple:
    return tuple(Book.objects.filter(pk__in=set(book_ids)).order_by("pk").values_list("pk", "posted_count", "chain_head"))


def village(code: str) -> tuple | None:
    head = Region.objects.filter(code=code, level="village").values_list("name", "parent__name").first()
    if head is None:
        return None
    published = tuple(
        Disclosure.objects.filter(village_id=code, status="published")
        .order_by("pk")
        .values_list("pk", "book_id", "published_at", "chain_head", "snapshot_hash")
    )
    answered = Question.objects.filter(village_id=code, status="answered").aggregate(n=Count("pk"), last=Max("answered_at"))
    matters = Matter.objects.filter(village_id=code).aggregate(n=Count("pk"), last=Max("updated_at"))
    stages = StageRecord.objects.filter(matter__village_id=code).aggregate(n=Count("pk"), last=Max("pk"))
    return (
        head, published, _books(row[1] for row in published),
        tuple(answered.values()), tuple(matters.values()), tuple(stages.values()),
    )


def disclosure(code: str, pk: int) -> tuple | None:
    head = Region.objects.filter(code=code, level="village").values_list("name", "parent__name").first()
    row = (
        Disclosure.objects.filter(village_id=code, pk=pk, status="published")
        .values_list("pk", "book_id", "published_at", "chain_head", "snapshot_hash")
        .first()
    )
    if head is None or row is None:
        return None
    return head, row, _books([row[1]])
