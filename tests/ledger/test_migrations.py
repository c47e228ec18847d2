"""The counterparty-kind migration keeps the books as they were: with posted vouchers in the
database, taking ledger back before 0008_entry_counterparty_kind and forward again leaves every posted row unchanged,
the chain verifying and the immutability triggers in place."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sanwu.ledger import services, triggers
from sanwu.ledger.services.verify import verify_book

from .journal import parse

JOURNAL = """
2025-03-05 收到光伏发电收入
  102  1200.50  -        bank
  501  -        1200.50  pv  国网岳西县供电公司
2025-03-06 支付王小明劳务费
  513  300.00   -
  101  -        300.00   cash  王小明
"""

ENTRY_COLUMNS = "voucher_id, line, account_id, summary, debit, credit, counterparty, settlement, source"


def _rows():
    with connection.cursor() as cur:
        cur.execute(f"SELECT {ENTRY_COLUMNS} FROM ledger_entry ORDER BY voucher_id, line")
        entries = cur.fetchall()
        cur.execute("SELECT id, status, number, seq, prev_hash, hash, summary, total FROM ledger_voucher ORDER BY id")
        return entries, cur.fetchall()


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def test_adding_the_counterparty_kind_keeps_posted_rows_and_the_chain(demo_live):
    village = demo_live.accountant.role_assignments.get().region_id
    book = services.create_book(None, f"M{village}", village, "2023", start_date=dt.date(2025, 1, 1))
    services.set_opening_balances(None, book, {"101": 100000, "301": -100000})
    services.confirm_opening(None, book)
    services.post_drafts(None, book, parse(JOURNAL))
    before = _rows()
    graph = MigrationExecutor(connection).loader.graph
    latest = graph.leaf_nodes()  # every app: those built on the ledger (budgets) were taken back with it
    # back to just before the counterparty kind, whatever that migration follows
    _migrate([d for d in graph.nodes[("ledger", "0008_entry_counterparty_kind")].dependencies if d[0] == "ledger"])
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM ledger_entry LIMIT 0")
        assert "counterparty_kind" not in [c[0] for c in cur.description]
    # every rule whose table exists at that point (the bank statement lines come later)
    tables = set(connection.introspection.table_names())
    assert triggers.installed(connection) == {name for name, table, _, _ in triggers.RULES if table in tables}
    _migrate(latest)
    assert _rows() == before
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT counterparty_kind FROM ledger_entry")
        assert cur.fetchall() == [("",)]
    assert len(triggers.installed(connection)) == len(triggers.RULES)
    assert verify_book(book).ok
