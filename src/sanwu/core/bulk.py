"""Writing many rows at once, for the batch paths (voucher import, the posting hook's warnings).
Django's bulk_create spends most of its time compiling SQL; these write values the caller has
already adapted the way the ORM would."""

from itertools import chain

from django.db import connection

# Rows per INSERT statement on SQLite. SQLite keeps a statement journal for every statement that
# may fail half-way (a unique constraint, a trigger that aborts), so one row per statement cost a
# journal per row — about a fifth of the voucher import's time.
ROWS_PER_STATEMENT = 200
MAX_PARAMETERS = 30_000  # below SQLite's limit of 32,766 bound parameters


def insert_rows(table: str, cols: tuple[str, ...], rows: list[tuple], *, on_conflict: str = "") -> None:
    """INSERT `rows` (tuples in the order of `cols`) into `table`. PostgreSQL: COPY, several
    times faster than INSERT for thousands of rows (or multi-row INSERTs when `on_conflict`, e.g.
    "DO NOTHING", is given). SQLite: multi-row INSERTs."""
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in cols)
    suffix = f" ON CONFLICT {on_conflict}" if on_conflict else ""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and not on_conflict:
            with cur.cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = f"({', '.join(['%s'] * len(cols))})"
        per = max(1, min(ROWS_PER_STATEMENT, MAX_PARAMETERS // len(cols)))
        full = len(rows) - len(rows) % per
        if full:
            sql = f"INSERT INTO {qn(table)} ({columns}) VALUES {', '.join([one] * per)}{suffix}"
            cur.executemany(sql, [tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, full, per)])
        if full < len(rows):
            rest = rows[full:]
            cur.execute(f"INSERT INTO {qn(table)} ({columns}) VALUES {', '.join([one] * len(rest))}{suffix}", tuple(chain.from_iterable(rest)))
