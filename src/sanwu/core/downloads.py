"""Files made in the background — a long export, a large PDF — the one way for every app.

An app registers each kind of file once, in its AppConfig.ready():

    downloads.register("oversight.feed.xlsx", services.write_feed_xlsx, XLSX)

where the maker `make(user, params, out, progress)` writes the file to the binary file `out` for
`user` (through the scope gate, as the page would) and calls `progress(done, total)` now and then.
A view calls `start(user, kind, params, filename)`: a `core.models.Download` row is stored and
`prepare` is enqueued on django.tasks — in production the database backend of django-tasks-db,
run by `sanwu worker` (started by `make run` and `make dev`, or its systemd unit); in tests the
immediate backend runs it at once. The page of the download shows its progress and then a link to
the file, to the user who asked and to nobody else (`own`: anyone else gets NotFound).
"""

import hashlib
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import context
from .errors import Invalid, NotFound, Refused
from .models import Download
from .permissions import NOT_FOUND, refuse

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
# The database is told of progress at most this often (seconds).
PROGRESS_EVERY = 0.25


@dataclass(frozen=True)
class Kind:
    make: Callable  # make(user, params: dict, out: binary file, progress(done, total)) -> None
    content_type: str


KINDS: dict[str, Kind] = {}


def register(kind: str, make: Callable, content_type: str) -> None:
    KINDS[kind] = Kind(make, content_type)


def start(user, kind: str, params: dict, filename: str) -> Download:
    """Queue the file `kind` made from `params` (plain JSON values) for `user`, named `filename`.
    The row and its task are written in one transaction, so a worker never sees one without the
    other."""
    with transaction.atomic():
        d = Download.objects.create(
            kind=kind, params=params, filename=filename[:200], content_type=KINDS[kind].content_type, uploaded_by=user,
        )
        prepare.enqueue(d.pk)
    d.refresh_from_db()
    return d


def own(user, pk) -> Download:
    """The download if `user` asked for it; NotFound otherwise (audited when it is someone else's)."""
    d = Download.objects.filter(pk=pk, uploaded_by=user).first() if getattr(user, "pk", None) else None
    if d is not None:
        return d
    if Download.objects.filter(pk=pk).exists():
        refuse(user, "core.download", pk)
    raise NotFound(NOT_FOUND)


class _Progress:
    def __init__(self, pk: int):
        self.pk = pk
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY or done >= total:
            self.last = now
            Download.objects.filter(pk=self.pk).update(done=done, total=total)


@task()
def prepare(download_id: int) -> str:
    """Make one queued download (the task the worker runs); returns its final status."""
    d = Download.objects.select_related("uploaded_by").filter(pk=download_id, status="queued").first()
    if d is None:
        return "missing"
    Download.objects.filter(pk=d.pk).update(status="running")
    try:
        with context.acting(context.Actor(user=d.uploaded_by, channel="system")), tempfile.TemporaryFile() as out:
            KINDS[d.kind].make(d.uploaded_by, d.params, out, _Progress(d.pk))
            d.size = out.tell()
            out.seek(0)
            d.sha256 = hashlib.file_digest(out, "sha256").hexdigest()
            out.seek(0)
            d.file.save(f"{d.pk}-{d.sha256[:16]}{Path(d.filename).suffix.lower()}", File(out), save=False)
        d.status, d.error = "ready", ""
    except (Invalid, Refused, NotFound) as exc:
        d.status, d.error = "failed", str(exc)
    except Exception:
        logger.exception("download %s (%s) failed", d.pk, d.kind)
        d.status, d.error = "failed", "生成文件时出错，请稍后重试；仍不成功请联系管理员"
    d.refresh_from_db(fields=["done", "total"])
    if d.status == "ready":
        d.done = d.total = max(d.total, 1)
    d.finished_at = timezone.now()
    d.save(update_fields=["file", "size", "sha256", "status", "error", "done", "total", "finished_at"])
    return d.status
