"""Who may do what in the cooperative (roles bound to regions, through `core.permissions`).
`user=None` is the system operator (CLI, demo). Everyone in scope reads (the gate decides);
these are the roles that change things."""

from sanwu.core.permissions import may

KEEP_ROLES = {"village_accountant"}  # keeps the roster, the share register, the distribution's drafts
BOARD_ROLES = {"village_secretary"}  # records the members' meeting and the board's decisions
TOWNSHIP_ROLES = {"township_supervisor"}  # acknowledges the roster, approves the distribution
SETTING_ROLES = {"county_supervisor", "city_admin"}  # the county's rates, cap and holding unit
# Full ID numbers and bank accounts: the accountant keeps them; the township pays and reviews.
BANK_LIST_ROLES = {"village_accountant", "township_supervisor"}


def may_keep(user, collective) -> bool:
    return may(user, KEEP_ROLES, collective.region_id)
