"""Who may do what with asset registers (roles bound to regions, through `core.permissions`).
`user=None` is the system operator (CLI, demo). Everyone in scope reads."""

KEEP_ROLES = {"village_accountant"}  # cards, imports, the month's depreciation, disposals
SETTING_ROLES = {"county_supervisor", "city_admin"}
