"""Who may do what with disclosures and questions (roles bound to regions). `user=None` is the
system operator (CLI, demo)."""

from sanwu.core import permissions as core_permissions
from sanwu.core.errors import Refused
from sanwu.core.scope import can_write

PREPARE_ROLES = {"village_accountant"}
CONFIRM_ROLES = {"village_secretary"}
PUBLISH_ROLES = {"village_accountant", "village_secretary"}
SETTINGS_ROLES = {"county_supervisor"}
ANSWER_ROLES = {"township_supervisor", "county_supervisor"}


def refuse(user, what: str, obj_id, region_code: str, message: str):
    """Write the refusal to the audit trail and raise `Refused(message)`."""
    core_permissions.refuse(user, what, obj_id, region_code)
    raise Refused(message)


def may(user, code: str, roles) -> bool:
    return user is None or can_write(user, code, set(roles))
