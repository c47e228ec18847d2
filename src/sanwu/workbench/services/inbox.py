"""The inbox: `notify` (the one function other apps call, inside their transaction), the
recipients of a region's role (`holders`), a user's messages, unread count, marking read."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sanwu.core.codes import city_of, county_of, township_of
from sanwu.core.errors import NotFound
from sanwu.core.permissions import NOT_FOUND
from sanwu.regions.models import RoleAssignment

from ..models import KIND_LABELS, Message
from .notifier import Reminder, notifier


def enclosing_codes(code: str) -> list[str]:
    """The region itself and every region above it (where a grant covering it may be bound)."""
    codes = {code, code[:12]} | {c for c in (township_of(code), county_of(code), city_of(code)) if c}
    codes.add(code[:2] + "0" * 10)
    return sorted(codes)


def holders(roles: Iterable[str], region_code: str, exact: bool = False) -> list:
    """Active users holding one of `roles` over `region_code`: bound to it or a region above, or
    with `exact` bound to it only (a task's owners, not every supervisor above them)."""
    if not region_code:
        return []
    codes = [region_code] if exact else enclosing_codes(region_code)
    ids = RoleAssignment.objects.filter(role__in=list(roles), region_id__in=codes).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def notify(recipients, kind: str, title: str, *, body: str = "", subject=None, object_type: str = "", object_id="",
           region_code: str = "", exclude=None) -> list[Message]:
    """One message per recipient (users; None and duplicates skipped, and `exclude`, the actor,
    who needs no message about their own act). `subject` is the object the message is about: its
    type is its model label (`ledger.voucher`), unless `object_type` says otherwise. Written in the
    caller's transaction; the outbound reminder goes after it commits."""
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown message kind {kind!r}")
    if subject is not None:
        object_type = object_type or subject._meta.label_lower
        object_id = object_id or subject.pk
    skip = getattr(exclude, "pk", None)
    seen, users = set(), []
    for u in recipients:
        if u is None or u.pk in seen or u.pk == skip:
            continue
        seen.add(u.pk)
        users.append(u)
    if not users:
        return []
    now = timezone.now()
    rows = Message.objects.bulk_create([
        Message(
            recipient=u, kind=kind, title=title[:200], body=body[:500], object_type=object_type[:64],
            object_id=str(object_id)[:64], region_code=region_code[:15], created_at=now,
        )
        for u in users
    ])
    reminders = [Reminder(u.username, u.first_name, kind, title[:200], body[:500]) for u in users]
    transaction.on_commit(lambda: notifier().send(reminders))
    return rows


def messages_for(user, unread: bool = False):
    qs = Message.objects.filter(recipient=user) if getattr(user, "is_authenticated", False) else Message.objects.none()
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(user) -> int:
    return messages_for(user, unread=True).count()


def message_for(user, pk: int) -> Message:
    """One of the user's own messages, or NotFound (another user's message is not theirs to see)."""
    m = messages_for(user).filter(pk=pk).first()
    if m is None:
        raise NotFound(NOT_FOUND)
    return m


def mark_read(user, pk: int) -> Message:
    m = message_for(user, pk)
    if m.read_at is None:
        m.read_at = timezone.now()
        m.save(update_fields=["read_at"])
    return m


def mark_all_read(user) -> int:
    return messages_for(user, unread=True).update(read_at=timezone.now())

