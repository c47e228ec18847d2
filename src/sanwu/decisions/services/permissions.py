"""Who may do what in 四议两公开 (roles bound to regions, checked here whatever the channel).
`user=None` is the system operator (CLI, demo)."""

from sanwu.core.errors import Refused
from sanwu.core.permissions import refuse
from sanwu.core.scope import can_write

from ..models import Matter

RECORD_ROLES = {"village_secretary"}
LINK_ROLES = {"village_accountant"}
COMMENT_ROLES = {"township_supervisor", "county_supervisor", "city_admin", "village_secretary"}
RULE_ROLES = {"county_supervisor", "city_admin"}


def may(user, code: str, roles: set[str]) -> bool:
    return user is None or can_write(user, code, roles)


def require(user, code: str, roles: set[str], what: str, object_id="") -> None:
    """Refuse (audited) unless the acting user holds one of `roles` over region `code`.
    Called before any transaction, so that the refusal stays in the audit trail."""
    if not may(user, code, roles):
        refuse(user, f"decisions.{what}", object_id, code)
        raise Refused(f"无权{what}")


def may_record(user, matter: Matter) -> bool:
    return may(user, matter.village_id, RECORD_ROLES)


def may_link(user, matter: Matter) -> bool:
    return may(user, matter.village_id, LINK_ROLES)


def may_comment(user, matter: Matter) -> bool:
    return may(user, matter.village_id, COMMENT_ROLES)
