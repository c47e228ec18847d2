"""Migrations that alter the protected tables (vouchers, entries, attachments, audit trail)
must lift the immutability triggers around their operations: SQLite rebuilds a table to alter
it, and a trigger naming the old table breaks the rebuild. Use:

    operations = [triggers_off(), ...your operations..., triggers_on()]
"""

from django.db import migrations


def _install(apps, schema_editor):
    from sanwu.ledger import triggers

    triggers.install(schema_editor.connection)


def _uninstall(apps, schema_editor):
    from sanwu.ledger import triggers

    triggers.uninstall(schema_editor.connection)


def triggers_off():
    return migrations.RunPython(_uninstall, _install)


def triggers_on():
    return migrations.RunPython(_install, _uninstall)
