"""Entries say whether their counterparty is a person or an organisation (blank: not said).

The new column is blank for every existing row, posted ones included: nothing a posted entry
holds changes (the kind is not part of the chain's canonical text), so the chain still
verifies. SQLite rebuilds the table to add the column, hence the triggers lifted around it."""

from django.db import migrations, models

from sanwu.ledger.migrations_support import triggers_off, triggers_on


class Migration(migrations.Migration):

    # Numbered after main's 0007_attachment_as_stored_file: when the branches meet, this
    # depends on that one instead (one line), and the ledger keeps one line of migrations.
    dependencies = [
        ("ledger", "0007_attachment_as_stored_file"),
    ]

    operations = [
        triggers_off(),
        migrations.AddField(
            model_name="entry",
            name="counterparty_kind",
            field=models.CharField(
                blank=True, choices=[("person", "个人"), ("organisation", "单位")], db_default="", default="",
                max_length=12, verbose_name="往来单位类别",
            ),
        ),
        triggers_on(),
    ]
