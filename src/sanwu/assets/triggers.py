"""The depreciation lines are append-only in the database: triggers refuse UPDATE and DELETE of a
line, on SQLite and PostgreSQL alike (installed by `ledger.triggers`, to which `apps.ready`
registers these rules). A card's kept `accumulated` is recomputed from them by `sanwu verify`."""

RULES = [
    ("sanwu_deprline_no_update", "assets_depreciationline", "UPDATE", "1 = 1"),
    ("sanwu_deprline_no_delete", "assets_depreciationline", "DELETE", "1 = 1"),
    ("sanwu_cardevent_no_update", "assets_cardevent", "UPDATE", "1 = 1"),
    ("sanwu_cardevent_no_delete", "assets_cardevent", "DELETE", "1 = 1"),
]
