"""A rectification delisted by its passed acceptance check now closes its task in the task ledger
(`partywork.services.close_by_origin`). Cases delisted before that left their task open ("已交办
逾期…"): close each such task on the day of the passed check, with a history row saying why.
Nothing is removed."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

OPEN = ("assigned", "reported", "returned", "verified")


def close_tasks(apps, schema_editor):
    Rectification = apps.get_model("assessment", "Rectification")
    AcceptanceCheck = apps.get_model("assessment", "AcceptanceCheck")
    Task = apps.get_model("partywork", "Task")
    TaskEvent = apps.get_model("partywork", "TaskEvent")
    for case in Rectification.objects.filter(status="delisted", task_id__isnull=False).order_by("pk"):
        task = Task.objects.filter(pk=case.task_id, status__in=OPEN).first()
        if task is None:
            continue
        check = AcceptanceCheck.objects.filter(rectification_id=case.pk, passed=True).order_by("-date", "-pk").first()
        day = check.date if check else case.delisted_on
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0))) if day else timezone.now()
        note = f"{day:%Y-%m-%d} {check.checked_by}验收通过，整顿销号" if check else "整顿已验收销号"
        TaskEvent.objects.create(task_id=task.pk, action="close", from_status=task.status, to_status="closed", actor=None,
                                 actor_name="", at=at, note=note[:500])
        Task.objects.filter(pk=task.pk).update(status="closed", closed_at=at)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_history_as_core_event"),
        ("partywork", "0002_task_extend_reassign"),
    ]

    operations = [migrations.RunPython(close_tasks, migrations.RunPython.noop)]
