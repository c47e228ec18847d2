"""Who may do what with budgets (roles bound to regions, through `core.permissions`).
`user=None` is the system operator (CLI, demo)."""

from sanwu.core.permissions import may

DRAFT_ROLES = {"village_accountant"}  # drafts the budget and its versions
APPROVE_ROLES = {"village_secretary"}  # records the members' meeting that approved it
SETTING_ROLES = {"county_supervisor", "city_admin"}


def may_draft(user, budget) -> bool:
    return may(user, DRAFT_ROLES, budget.book.region_id)


def may_approve(user, budget) -> bool:
    return may(user, APPROVE_ROLES, budget.book.region_id)
