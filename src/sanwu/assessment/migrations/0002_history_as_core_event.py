"""The app's history rows take the one event shape (`core.models.Event`): the actor's name kept
beside the actor (filled for the rows already there from the user's username), the status a change
moved from and to, `at` indexed and defaulting to now. Every existing row keeps its time, actor,
action and note."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_actor_names(apps, schema_editor):
    History = apps.get_model("assessment", "History")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    names = dict(User.objects.filter(pk__in=History.objects.filter(actor__isnull=False).values("actor_id")).values_list("pk", "username"))
    for pk, name in names.items():
        History.objects.filter(actor_id=pk, actor_name="").update(actor_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="history",
            name="actor_name",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="history",
            name="from_status",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name="history",
            name="to_status",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AlterField(
            model_name="history",
            name="action",
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name="history",
            name="actor",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AlterField(
            model_name="history",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunPython(fill_actor_names, migrations.RunPython.noop),
    ]
