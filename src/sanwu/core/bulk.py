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
        # SQLite's own placeholder: Django's SQLite cursor turns every `%s` into `?` with a regular
        # expression over the statement, which for 200 rows of 24 columns cost as much as a tenth
        # of the import's posting; given `?` it finds nothing to replace.
        mark = "?" if connection.vendor == "sqlite" else "%s"
        one = f"({', '.join([mark] * len(cols))})"
        per = max(1, min(ROWS_PER_STATEMENT, MAX_PARAMETERS // len(cols)))
        full = len(rows) - len(rows) % per
        if full:
            sql = f"INSERT INTO {qn(table)} ({columns}) VALUES {', '.join([one] * per)}{suffix}"
            cur.executemany(sql, [tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, full, per)])
        if full < len(rows):
            rest = rows[full:]
            cur.execute(f"INSERT INTO {qn(table)} ({columns}) VALUES {', '.join([one] * len(rest))}{suffix}", tuple(chain.from_iterable(rest)))


# --- Reading -----------------------------------------------------------------------------------

_readers: dict[tuple, tuple] = {}


def _reader(model, alias: str) -> tuple[list[str], list[str], list[tuple]]:
    """(qualified columns, attribute names, (column, converters) per field) of a model's rows read
    in plain SQL under the table alias `alias`; the converters are the ones the ORM applies."""
    key = (connection.alias, model, alias)
    found = _readers.get(key)
    if found is None:
        qn = connection.ops.quote_name
        fields = model._meta.concrete_fields
        cols = [f.get_col(alias) for f in fields]
        found = _readers[key] = (
            [f"{qn(alias)}.{qn(f.column)}" for f in fields],
            [f.attname for f in fields],
            [(col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)) for col in cols],
        )
    return found


def select_instances(models: list[tuple], tail: str, params: list) -> list[tuple]:
    """Model instances read in one plain-SQL statement, as the ORM would build them (every
    concrete field, the ORM's converters): `models` is [(model, table alias)], `tail` the SQL after
    the column list (`FROM … JOIN … WHERE …`). Returns one tuple of instances per row. For the
    posting path, which reads the same few rows at every posting and where building the query
    through the ORM cost more than SQLite answering it."""
    readers = [_reader(model, alias) for model, alias in models]
    columns = ", ".join(c for cols, _, _ in readers for c in cols)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {columns} {tail}", params)
        rows = cur.fetchall()
    db = connection.alias
    out = []
    for row in rows:
        at, made = 0, []
        for (model, _), (cols, names, converters) in zip(models, readers):
            values = list(row[at : at + len(cols)])
            for i, (col, convs) in enumerate(converters):
                for conv in convs:
                    values[i] = conv(values[i], col, connection)
            made.append(model.from_db(db, names, values))
            at += len(cols)
        out.append(tuple(made))
    return out
