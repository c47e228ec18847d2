"""Database triggers that refuse any UPDATE of a recorded stage or a stage attachment, on SQLite
and PostgreSQL alike: a recorded stage — above all a published resolution or result — is frozen;
a correction is a new, later record (services.record_stage).

Only UPDATE is refused: deleting is not offered by any service, and leaving DELETE alone keeps
test-database flushes working. A later migration that alters these tables on SQLite (which
rebuilds the table and drops its triggers) must call `install` again afterwards.
"""

MESSAGE = "recorded 四议两公开 stages are immutable; record a correction instead"

RULES = [
    ("decisions_stagerecord_no_update", "decisions_stagerecord"),
    ("decisions_stageattachment_no_update", "decisions_stageattachment"),
]


def install(connection) -> None:
    with connection.cursor() as cur:
        for name, table in RULES:
            if connection.vendor == "sqlite":
                cur.execute(f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {name}'); END")
            elif connection.vendor == "postgresql":
                cur.execute(
                    f"""CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$
                    BEGIN
                        RAISE EXCEPTION '{MESSAGE}: {name}' USING ERRCODE = 'integrity_constraint_violation';
                    END; $$ LANGUAGE plpgsql"""
                )
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cur.execute(f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()")
            else:  # pragma: no cover
                raise RuntimeError(f"no immutability triggers for {connection.vendor}")


def uninstall(connection) -> None:
    with connection.cursor() as cur:
        for name, table in RULES:
            if connection.vendor == "sqlite":
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            else:
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cur.execute(f"DROP FUNCTION IF EXISTS {name}_fn()")
