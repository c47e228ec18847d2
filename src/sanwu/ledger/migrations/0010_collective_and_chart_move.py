"""The collective that owns books (集体经济组织), one per existing book, made from the book's
name, credit code and village; a book's successor and the record of a move to a newer chart."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def collectives_from_books(apps, schema_editor):
    Book = apps.get_model("ledger", "Book")
    Collective = apps.get_model("ledger", "Collective")
    batch = list(Book.objects.filter(collective__isnull=True).order_by("pk").values_list("pk", "name", "credit_code", "region_id")[:2000])
    while batch:
        for pk, name, credit_code, region_id in batch:
            c = Collective.objects.create(name=name, credit_code=credit_code, region_id=region_id)
            Book.objects.filter(pk=pk).update(collective=c)
        batch = list(Book.objects.filter(collective__isnull=True).order_by("pk").values_list("pk", "name", "credit_code", "region_id")[:2000])
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks of these updates run now, so that the column can be
        # made NOT NULL in this same transaction (PostgreSQL refuses ALTER TABLE with pending
        # trigger events).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def books_keep_their_collective(apps, schema_editor):
    """Going back drops the collectives; the books keep their name and credit code."""


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0009_voucher_templates'),
        ('regions', '0002_person_id_number_encrypted'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='book',
            name='successor',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='predecessor', to='ledger.book', verbose_name='接续账套'),
        ),
        migrations.CreateModel(
            name='ChartMove',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cutoff', models.DateField(verbose_name='原账截止日期')),
                ('account_map', models.JSONField(default=dict, verbose_name='科目对照')),
                ('made_at', models.DateTimeField(auto_now_add=True)),
                ('made_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('new_book', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='chart_move_in', to='ledger.book')),
                ('old_book', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='chart_move_out', to='ledger.book')),
            ],
            options={
                'verbose_name': '新旧制度衔接',
            },
        ),
        migrations.CreateModel(
            name='Collective',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='集体经济组织名称')),
                ('credit_code', models.CharField(blank=True, max_length=18, verbose_name='统一社会信用代码')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collectives', to='regions.region', verbose_name='所属村')),
            ],
            options={
                'verbose_name': '集体经济组织',
                'ordering': ['region_id', 'name', 'id'],
            },
        ),
        migrations.AddField(
            model_name='book',
            name='collective',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='books', to='ledger.collective', verbose_name='集体经济组织'),
        ),
        migrations.RunPython(collectives_from_books, books_keep_their_collective),
        migrations.AlterField(
            model_name='book',
            name='collective',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='books', to='ledger.collective', verbose_name='集体经济组织'),
        ),
    ]
