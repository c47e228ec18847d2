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


def triggers_for_new_tables():
    """For a migration that creates protected tables: install their triggers (`install` skips
    tables that do not exist, and leaves the others as they are). Going back drops the tables
    and their triggers with them, so the other tables keep theirs."""
    return migrations.RunPython(_install, migrations.RunPython.noop)
