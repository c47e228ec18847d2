"""The cadre reward rests on the village's completed 四议两公开 decision (`decisions.Matter`),
no longer on the economy app's own recorded resolution, which goes away. Rewards approved on a
recorded resolution keep their figures and trail; they name no matter."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0002_immutability_triggers"),
        ("economy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="cadrereward",
            name="matter",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="decisions.matter",
                verbose_name="四议两公开决策",
            ),
        ),
        migrations.RemoveField(model_name="cadrereward", name="resolution"),
        migrations.DeleteModel(name="Resolution"),
    ]
