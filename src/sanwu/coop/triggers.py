"""The share register is append-only in the database: triggers refuse UPDATE and DELETE of a
share operation, a dividend payment, a finance review or its signatures, on SQLite and PostgreSQL alike (installed by `ledger.triggers`, to which
`apps.ready` registers these rules)."""

RULES = [
    ("sanwu_shareop_no_update", "coop_shareoperation", "UPDATE", "1 = 1"),
    ("sanwu_shareop_no_delete", "coop_shareoperation", "DELETE", "1 = 1"),
    ("sanwu_divpayment_no_update", "coop_dividendpayment", "UPDATE", "1 = 1"),
    ("sanwu_divpayment_no_delete", "coop_dividendpayment", "DELETE", "1 = 1"),
    ("sanwu_financereview_no_update", "coop_financereview", "UPDATE", "1 = 1"),
    ("sanwu_financereview_no_delete", "coop_financereview", "DELETE", "1 = 1"),
    ("sanwu_financesig_no_update", "coop_financesignature", "UPDATE", "1 = 1"),
    ("sanwu_financesig_no_delete", "coop_financesignature", "DELETE", "1 = 1"),
]
