"""A disclosure's and a question's history rows take the one event shape (`core.models.Event`):
the actor's name kept beside the actor (filled from the user for the rows already there), status
columns (empty for these rows), `at` indexed, `note` unlimited. Nothing is lost."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_actor_names(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for name in ("DisclosureEvent", "QuestionEvent"):
        apps.get_model("disclosure", name).objects.filter(actor__isnull=False).update(
            actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("username")[:1])
        )


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='disclosureevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name='disclosureevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name='disclosureevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name='questionevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name='questionevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name='questionevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AlterField(
            model_name='disclosureevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='disclosureevent',
            name='note',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='questionevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='questionevent',
            name='note',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(fill_actor_names, migrations.RunPython.noop),
    ]
