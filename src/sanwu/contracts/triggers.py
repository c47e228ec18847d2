"""Receipt links are append-only in the database: triggers refuse UPDATE and DELETE (installed by
`ledger.triggers`, to which `apps.ready` registers these rules). A line's kept `paid` is their sum,
which `sanwu verify` adds up again."""

RULES = [
    ("sanwu_receiptlink_no_update", "contracts_receiptlink", "UPDATE", "1 = 1"),
    ("sanwu_receiptlink_no_delete", "contracts_receiptlink", "DELETE", "1 = 1"),
]
