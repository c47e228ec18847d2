"""A voucher's attachment is a `core.models.StoredFile`: `uploaded_by` may be blank in forms (no
column changes), inside `triggers_off`/`triggers_on` as every migration of a protected table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sanwu.ledger.migrations_support import triggers_off, triggers_on


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0006_county_ledger_settings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        triggers_off(),
        migrations.AlterField(
            model_name='attachment',
            name='uploaded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        triggers_on(),
    ]
