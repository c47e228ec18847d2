"""ID numbers encrypted at rest (core.crypto): the plain column becomes an encrypted one, its keyed
hash (unique) and its masked form."""

from django.db import migrations, models

from sanwu.core import crypto
from sanwu.core.codes import normalize_id_number
from sanwu.regions import masking


def encrypt_existing(apps, schema_editor):
    Person = apps.get_model("regions", "Person")
    for person in Person.objects.all().only("pk", "id_number").iterator(chunk_size=2000):
        number = normalize_id_number(person.id_number)
        Person.objects.filter(pk=person.pk).update(
            id_number_encrypted=crypto.encrypt(number),
            id_number_hash=crypto.lookup_hash(number),
            id_number_masked=masking.mask_id_number(number),
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [
        migrations.AddField("person", "id_number_encrypted", models.TextField(default="", verbose_name="身份证号（加密）"), preserve_default=False),
        migrations.AddField("person", "id_number_hash", models.CharField(max_length=64, null=True)),
        migrations.AddField("person", "id_number_masked", models.CharField(default="", max_length=18, verbose_name="身份证号（脱敏）"), preserve_default=False),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
        migrations.RemoveField("person", "id_number"),
        migrations.AlterField("person", "id_number_hash", models.CharField(max_length=64, unique=True)),
    ]
