"""Drop indexes that the batch import paid for on every row and no query needs: the voucher's
book (every constraint and index on vouchers starts with the book), its maker, reviewer and poster
(shown, never searched by), and the entry's voucher (the (voucher, line) constraint starts with
it). The indexes are dropped in place (DROP INDEX) rather than by Django's AlterField, which on
SQLite rebuilds the whole table, so that the migration is instant on a large book."""

from django.db import migrations, models
import django.db.models.deletion
from django.conf import settings

# (table, column) of each index to drop; names are computed the way Django named them.
INDEXES = [
    ("ledger_voucher", "book_id"),
    ("ledger_voucher", "maker_id"),
    ("ledger_voucher", "reviewer_id"),
    ("ledger_voucher", "poster_id"),
    ("ledger_entry", "voucher_id"),
]


def _name(schema_editor, table, column):
    return schema_editor._create_index_name(table, [column])


def drop(apps, schema_editor):
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_name(schema_editor, table, column))}")


def create(apps, schema_editor):
    for table, column in INDEXES:
        name, qn = _name(schema_editor, table, column), schema_editor.quote_name
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {qn(table)} ({qn(column)})")


def _fk(to, **kw):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=to, db_index=False, **kw)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_role_year"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create)],
            state_operations=[
                migrations.AlterField("voucher", "book", _fk("ledger.book", related_name="vouchers")),
                migrations.AlterField("voucher", "maker", _fk(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+")),
                migrations.AlterField("voucher", "reviewer", _fk(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+")),
                migrations.AlterField("voucher", "poster", _fk(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+")),
                migrations.AlterField("entry", "voucher", _fk("ledger.voucher", related_name="entries")),
            ],
        ),
    ]
