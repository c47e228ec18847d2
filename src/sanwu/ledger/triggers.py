"""Database triggers that refuse UPDATE and DELETE of posted vouchers and their entries, and
any change to the audit trail — on SQLite and PostgreSQL alike."""

MESSAGE = "posted vouchers, their entries, bank statement lines and the audit trail are immutable"

# (name, table, event, condition on the row) — condition in SQL over OLD/NEW.
RULES = [
    ("sanwu_voucher_no_update", "ledger_voucher", "UPDATE", "OLD.status = 'posted'"),
    ("sanwu_voucher_no_delete", "ledger_voucher", "DELETE", "OLD.status = 'posted'"),
    ("sanwu_entry_no_update", "ledger_entry", "UPDATE", "(SELECT status FROM ledger_voucher WHERE id = OLD.voucher_id) = 'posted'"),
    ("sanwu_entry_no_delete", "ledger_entry", "DELETE", "(SELECT status FROM ledger_voucher WHERE id = OLD.voucher_id) = 'posted'"),
    ("sanwu_entry_no_insert", "ledger_entry", "INSERT", "(SELECT status FROM ledger_voucher WHERE id = NEW.voucher_id) = 'posted'"),
    ("sanwu_attachment_no_delete", "ledger_attachment", "DELETE", "(SELECT status FROM ledger_voucher WHERE id = OLD.voucher_id) = 'posted'"),
    ("sanwu_bankline_no_update", "ledger_bankstatementline", "UPDATE", "1 = 1"),
    ("sanwu_bankline_no_delete", "ledger_bankstatementline", "DELETE", "1 = 1"),
    ("sanwu_audit_no_update", "core_auditevent", "UPDATE", "1 = 1"),
    ("sanwu_audit_no_delete", "core_auditevent", "DELETE", "1 = 1"),
]


def register(rules) -> None:
    """An app above the ledger adds the rules of its own append-only registers (`coop`'s share
    register), so that `install`, `uninstall` and the test fixtures treat them as these."""
    for rule in rules:
        if rule not in RULES:
            RULES.append(rule)


def install(connection) -> None:
    """Install every rule whose table exists (an early migration runs before later tables are made;
    the migration that makes them installs theirs)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        for name, table, event, cond in RULES:
            if table not in tables:
                continue
            if connection.vendor == "sqlite":
                cur.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table} "
                    f"WHEN {cond} BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {name}'); END"
                )
            elif connection.vendor == "postgresql":
                # PostgreSQL's WHEN may not hold a subquery: the check lives in the function.
                row = "OLD" if event == "DELETE" else "NEW"
                cur.execute(
                    f"""CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$
                    BEGIN
                        IF {cond} THEN
                            RAISE EXCEPTION '{MESSAGE}: {name}' USING ERRCODE = 'integrity_constraint_violation';
                        END IF;
                        RETURN {row};
                    END; $$ LANGUAGE plpgsql"""
                )
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cur.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()")
            else:  # pragma: no cover
                raise RuntimeError(f"no immutability triggers for {connection.vendor}")


def uninstall(connection) -> None:
    with connection.cursor() as cur:
        for name, table, _, _ in RULES:
            if connection.vendor == "sqlite":
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            else:
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def installed(connection) -> set[str]:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sanwu_%'")
        else:
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'sanwu_%'")
        return {r[0] for r in cur.fetchall()}
