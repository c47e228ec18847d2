"""The roles that may do things with disclosures and questions (roles bound to regions, asked
through `core.permissions.may`). `user=None` is the system operator (CLI, demo)."""

PREPARE_ROLES = {"village_accountant"}
CONFIRM_ROLES = {"village_secretary"}
PUBLISH_ROLES = {"village_accountant", "village_secretary"}
SETTINGS_ROLES = {"county_supervisor"}
ANSWER_ROLES = {"township_supervisor", "county_supervisor"}
