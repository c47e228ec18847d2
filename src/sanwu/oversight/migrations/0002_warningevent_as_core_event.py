"""Warning history rows take the one event shape (`core.models.Event`): an `action` column, filled
for the rows already there from the status each moved to; `at` indexed; status columns as long as
the shared shape's. Nothing is lost: every existing row keeps its time, actor, name and note."""

import django.utils.timezone
from django.db import migrations, models

ACTION_OF = {"explained": "explain", "accepted": "accept", "escalated": "escalate"}


def fill_actions(apps, schema_editor):
    WarningEvent = apps.get_model("oversight", "WarningEvent")
    for to_status, action in ACTION_OF.items():
        WarningEvent.objects.filter(to_status=to_status).update(action=action)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="warningevent",
            name="action",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="warningevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="warningevent",
            name="from_status",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AlterField(
            model_name="warningevent",
            name="to_status",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.RunPython(fill_actions, migrations.RunPython.noop),
    ]
