"""A cadre reward's history rows take the one event shape (`core.models.Event`): longer action and
status columns, `at` indexed with a default, `note` unlimited; `amount` stays. The system's rows, named "system" before, have an empty `actor_name` as in the
shared shape (pages show 系统; the API still answers "system"). Nothing is lost."""

import django.utils.timezone
from django.db import migrations, models


def system_name_empty(apps, schema_editor):
    apps.get_model("economy", "CadreRewardEvent").objects.filter(actor__isnull=True, actor_name="system").update(actor_name="")


class Migration(migrations.Migration):

    dependencies = [
        ('economy', '0002_cadre_reward_matter_retire_resolution'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cadrerewardevent',
            name='action',
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name='cadrerewardevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='cadrerewardevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AlterField(
            model_name='cadrerewardevent',
            name='note',
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name='cadrerewardevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.RunPython(system_name_empty, migrations.RunPython.noop),
    ]
