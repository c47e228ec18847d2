"""Who may do what in the books: the role sets of the voucher life cycle and the one check the
services ask (the system operator, user None, may always), plus the audit helper."""

from sanwu.core import audit
from sanwu.core.permissions import refuse
from sanwu.core.errors import Refused
from sanwu.core.scope import can_write

from ..models import Book

MAKE_ROLES = {"village_accountant"}
REVIEW_ROLES = {"township_supervisor", "county_supervisor"}
POST_ROLES = {"village_accountant", "township_supervisor", "county_supervisor"}
BOOK_ADMIN_ROLES = {"county_supervisor", "city_admin"}


def _actor_may(user, book: Book, roles: set[str]) -> bool:
    """The system operator (CLI, user None) may; otherwise a writing role in the book's scope."""
    return user is None or can_write(user, book.region_id, roles)


def require_role(user, book: Book, roles: set[str], what: str) -> None:
    """`Refused` (audited) unless the user may act on the book with one of `roles`."""
    if not _actor_may(user, book, roles):
        refuse(user, f"ledger.{what}", book.code, book.region_id)
        raise Refused(f"无权{what}：{book}")


def audit_change(user, action, obj=None, **kw):
    """The audit row of a change the user makes (inside the service's transaction)."""
    return audit.record(action, obj, actor=user, **kw)
