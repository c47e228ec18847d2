"""各项分配's standard sub-accounts (charts.py: 提取公积公益金 … 其他) for the books opened before
the chart data had them — only where that is safe: the book's 各项分配 is still a leaf with no
entry (of any voucher, posted or not), no opening balance and no voucher template naming it.
A book whose 各项分配 already carries amounts keeps it as it is (a posted entry cannot move to a
sub-account without changing what was posted); its statement shows those amounts on the line of
a sub-account's name where the book has one, else on 其他 (reports._distribution_lines).
Nothing is deleted; going back removes only sub-accounts this migration added that are still
unused."""

from django.db import migrations

from sanwu.ledger.charts import CHARTS


def _standard_subs(chart: str):
    """(parent code, [sub-accounts]) of the 各项分配 account in a chart."""
    std = CHARTS[chart]
    parent = next(a for a in std if "distribution_items" in a.roles and any(b.parent == a.code for b in std))
    return parent.code, [a for a in std if a.parent == parent.code]


def add_sub_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Entry = apps.get_model("ledger", "Entry")
    OpeningBalance = apps.get_model("ledger", "OpeningBalance")
    VoucherTemplate = apps.get_model("ledger", "VoucherTemplate")
    for chart in CHARTS:
        parent_code, subs = _standard_subs(chart)
        if not subs:
            continue
        for parent in Account.objects.filter(book__chart=chart, code=parent_code, is_leaf=True).select_related("book"):
            if Entry.objects.filter(account_id=parent.pk).exists() or OpeningBalance.objects.filter(account_id=parent.pk).exists():
                continue
            if any(e.get("account") == parent_code for t in VoucherTemplate.objects.filter(book_id=parent.book_id) for e in t.entries):
                continue
            if Account.objects.filter(book_id=parent.book_id, code__in=[a.code for a in subs]).exists():
                continue
            Account.objects.bulk_create([
                Account(book_id=parent.book_id, code=a.code, name=a.name, category=a.category, side=a.side, roles=",".join(a.roles),
                        parent_id=parent.pk, standard=True, is_leaf=True)
                for a in subs
            ])
            Account.objects.filter(pk=parent.pk).update(is_leaf=False)


def remove_unused_sub_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Entry = apps.get_model("ledger", "Entry")
    OpeningBalance = apps.get_model("ledger", "OpeningBalance")
    for chart in CHARTS:
        parent_code, subs = _standard_subs(chart)
        for parent in Account.objects.filter(book__chart=chart, code=parent_code, is_leaf=False):
            children = list(Account.objects.filter(parent_id=parent.pk))
            ids = [c.pk for c in children]
            if {c.code for c in children} != {a.code for a in subs}:
                continue  # the book's own sub-accounts: leave them
            if Entry.objects.filter(account_id__in=ids).exists() or OpeningBalance.objects.filter(account_id__in=ids).exists():
                continue
            Account.objects.filter(pk__in=ids).delete()
            Account.objects.filter(pk=parent.pk).update(is_leaf=True)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0015_year_end_deadline"),
    ]

    operations = [
        migrations.RunPython(add_sub_accounts, remove_unused_sub_accounts),
    ]
