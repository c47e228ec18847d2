"""Who may do what in 四议两公开 (roles bound to regions, checked through `core.permissions`
whatever the channel). `user=None` is the system operator (CLI, demo)."""

from sanwu.core.permissions import may

from ..models import Matter

RECORD_ROLES = {"village_secretary"}
LINK_ROLES = {"village_accountant"}
COMMENT_ROLES = {"township_supervisor", "county_supervisor", "city_admin", "village_secretary"}
RULE_ROLES = {"county_supervisor", "city_admin"}


def may_record(user, matter: Matter) -> bool:
    return may(user, RECORD_ROLES, matter.village_id)


def may_link(user, matter: Matter) -> bool:
    return may(user, LINK_ROLES, matter.village_id)


def may_comment(user, matter: Matter) -> bool:
    return may(user, COMMENT_ROLES, matter.village_id)
