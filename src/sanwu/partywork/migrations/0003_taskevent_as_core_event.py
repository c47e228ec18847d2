"""A task's history rows take the one event shape (`core.models.Event`): longer action and status
columns, `at` with a default; `old_value`/`new_value` stay. Task evidence is a
`core.models.StoredFile` (no column changes). Nothing is lost."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partywork', '0002_task_extend_reassign'),
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
    ]
