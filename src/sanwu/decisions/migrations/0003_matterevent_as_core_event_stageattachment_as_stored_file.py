"""A matter's history rows take the one event shape (`core.models.Event`): `status_from` and
`status_to` become `from_status` and `to_status` (renamed, so every row keeps its values), the
actor's name is kept beside the actor (filled from the user for the rows already there), `at`
indexed, `note` unlimited. A stage attachment is a `core.models.StoredFile` (no column changes)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_actor_names(apps, schema_editor):
    MatterEvent = apps.get_model("decisions", "MatterEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    MatterEvent.objects.filter(actor__isnull=False).update(
        actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("username")[:1])
    )


def install_triggers(apps, schema_editor):
    from sanwu.decisions import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_immutability_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="matterevent", old_name="status_from", new_name="from_status"),
        migrations.RenameField(model_name="matterevent", old_name="status_to", new_name="to_status"),
        migrations.AddField(
            model_name="matterevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AlterField(
            model_name="matterevent",
            name="action",
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name="matterevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="matterevent",
            name="note",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="stageattachment",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        # A table SQLite rebuilt has lost its triggers: put them back (idempotent).
        migrations.RunPython(install_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill_actor_names, migrations.RunPython.noop),
    ]
