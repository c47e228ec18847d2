"""Files made in the background (core.downloads) through the real task runner: django.tasks with
django-tasks-db's database backend, the task run by its worker (`sanwu worker --batch`, which
takes what is queued and stops). The rest of the suite runs tasks at once (root conftest)."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sanwu.core import downloads
from sanwu.core.errors import Invalid
from sanwu.core.models import AuditEvent, Download
from tests.conftest import response_bytes


def _write_lines(user, params, out, progress):
    """A maker as an app registers one: writes for `user`, reports progress."""
    n = params["lines"]
    for i in range(n):
        out.write(f"{user.username} {i}\n".encode())
        progress(i + 1, n)


def _refuse(user, params, out, progress):
    raise Invalid("没有可导出的数据")


def _break(user, params, out, progress):
    raise RuntimeError("disk on fire")


@pytest.fixture
def kinds():
    downloads.register("test.lines", _write_lines, "text/plain")
    downloads.register("test.refuse", _refuse, "text/plain")
    downloads.register("test.break", _break, "text/plain")
    yield
    for k in ("test.lines", "test.refuse", "test.break"):
        downloads.KINDS.pop(k, None)


@pytest.fixture
def database_queue(settings, monkeypatch):
    """The production backend. Its worker closes the database connection between tasks (as
    Django does between requests), which would end the test's transaction: kept open here."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _status(client, d) -> dict:
    resp = client.get(reverse("core:download_status", args=[d.pk]))
    assert resp.status_code == 200 and resp["Cache-Control"].startswith("max-age=0")
    return json.loads(resp.content)


def test_a_queued_file_waits_for_the_worker_then_is_offered_to_its_owner_only(demo, as_user, kinds, database_queue):
    d = downloads.start(demo.township, "test.lines", {"lines": 3}, "行.txt")
    assert d.status == "queued" and DBTaskResult.objects.filter(task_path="sanwu.core.downloads.prepare").count() == 1
    town = as_user(demo.township)
    # before the worker ran: the page says so, offers a refresh link (no script needed) and no file
    page = town.get(reverse("core:download", args=[d.pk])).content.decode()
    assert "排队中" in page and f'href="/downloads/{d.pk}/"' in page and "刷新" in page
    assert _status(town, d) == {"status": "queued", "label": "排队中", "done": 0, "total": 0, "percent": 0, "error": "", "url": None}
    assert town.get(reverse("core:download_file", args=[d.pk])).context["d"].status == "queued"

    call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    d.refresh_from_db()
    assert (d.status, d.done, d.total, d.size) == ("ready", 3, 3, len(b"township_1 0\n") * 3)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    status = _status(town, d)
    assert status["status"] == "ready" and status["percent"] == 100 and status["url"] == f"/downloads/{d.pk}/file/"
    resp = town.get(status["url"])
    assert resp["Content-Disposition"].startswith("attachment") and resp["Content-Security-Policy"] == "sandbox"
    assert response_bytes(resp) == b"township_1 0\ntownship_1 1\ntownship_1 2\n"
    # anyone else: 404 on the page, the status and the file, the attempt audited
    for user in (demo.other_township, demo.county, demo.city):
        other = as_user(user)
        for name in ("core:download", "core:download_status", "core:download_file"):
            assert other.get(reverse(name, args=[d.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.other_township, object_type="core.download").exists()
    # and anonymous visitors are sent to log in
    from django.test import Client

    assert Client().get(reverse("core:download_file", args=[d.pk])).status_code == 302


def test_a_maker_that_refuses_or_breaks_leaves_a_failed_download_with_a_chinese_message(demo, as_user, kinds):
    refused = downloads.start(demo.township, "test.refuse", {}, "无.txt")
    broken = downloads.start(demo.township, "test.break", {}, "坏.txt")
    assert (refused.status, refused.error) == ("failed", "没有可导出的数据")
    assert broken.status == "failed" and "出错" in broken.error and "fire" not in broken.error
    page = as_user(demo.township).get(reverse("core:download", args=[broken.pk])).content.decode()
    assert "生成失败" in page and "出错" in page
    assert not Download.objects.filter(status="ready").exists()


def test_the_page_polls_with_a_script_and_needs_none(demo, as_user, kinds):
    d = downloads.start(demo.township, "test.lines", {"lines": 1}, "行.txt")
    page = as_user(demo.township).get(reverse("core:download", args=[d.pk])).content.decode()
    assert f'data-download-status="/downloads/{d.pk}/status/"' in page and "<script>" not in page
    assert f'href="/downloads/{d.pk}/file/"' in page  # ready: the plain link is there without scripts
