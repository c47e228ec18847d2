from django.db import migrations


def forwards(apps, schema_editor):
    from sanwu.decisions import triggers

    triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from sanwu.decisions import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
