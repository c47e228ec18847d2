"""A task's history rows take the one event shape (`core.models.Event`): longer action and status
columns, `at` with a default; `old_value`/`new_value` stay. Task evidence is a
`core.models.StoredFile` (no column changes). `actor_name` holds what the shared shape holds — the
actor's username (the pages show the user's name from the actor), empty for the system (shown as
系统) — instead of the display name copied before; who acted stays in `actor`."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def usernames_as_actor_names(apps, schema_editor):
    TaskEvent = apps.get_model("partywork", "TaskEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    TaskEvent.objects.filter(actor__isnull=False).update(
        actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("username")[:1])
    )
    TaskEvent.objects.filter(actor__isnull=True, actor_name="系统").update(actor_name="")


class Migration(migrations.Migration):

    dependencies = [
        ('partywork', '0002_task_extend_reassign'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='taskevent',
            name='action',
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name='taskevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='taskevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AlterField(
            model_name='taskevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.RunPython(usernames_as_actor_names, migrations.RunPython.noop),
    ]
