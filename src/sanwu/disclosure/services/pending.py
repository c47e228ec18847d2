"""What waits in disclosure, for the workbench (`sanwu.workbench`): disclosures in a state (to
confirm, to publish), periods past their due date without a published disclosure, and villagers'
questions still open, earliest deadline first — for the township and county through the question
readers' scope, for a village's own cadres by their village (count and deadline, not the text)."""

import datetime as dt

from sanwu.core import permissions
from sanwu.core.scope import grants_of
from sanwu.ledger.models import Book

from ..models import QUESTION_READERS, Disclosure, Question
from .disclosures import overdue_disclosures


def disclosures_waiting(user, roles, statuses, limit: int = 8) -> tuple[int, list[Disclosure]]:
    qs = permissions.visible(Disclosure, user, set(roles)).filter(status__in=list(statuses))
    rows = list(qs.select_related("village").order_by("year", "month_from", "id")[:limit])
    count = len(rows) if len(rows) < limit else qs.count()
    return count, rows


def late_disclosures(user, roles, as_of: dt.date) -> list[dict]:
    """Periods past due without a published disclosure, in the books the user sees through `roles`."""
    return overdue_disclosures(as_of, books=permissions.visible(Book, user, set(roles)))


def questions_waiting(user, roles, limit: int = 8) -> tuple[int, list[Question]]:
    """Open questions, earliest deadline first. Readers (township, county) see them through the
    scope gate; a village role sees its own village's."""
    roles = set(roles)
    if roles & QUESTION_READERS:
        qs = permissions.visible(Question, user, roles & QUESTION_READERS)
    else:
        villages = [g.region_code for g in grants_of(user) if g.role in roles]
        qs = Question.objects.filter(village_id__in=villages)
    qs = qs.filter(status="open")
    rows = list(qs.select_related("village").order_by("deadline", "id")[:limit])
    count = len(rows) if len(rows) < limit else qs.count()
    return count, rows
