from django.conf import settings
from django.db import models
from django.utils import timezone

from . import context, uploads
from .scope import ScopedManager


class AuditEvent(models.Model):
    """One row per change or security event: who, when, from which request, old and new values.

    Written by services in the same transaction as the change (never by signals on models).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    channel = models.CharField(max_length=10, default="web")
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    region_code = models.CharField(max_length=15, blank=True, db_index=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = ScopedManager()
    scope_field = "region_code"
    scope_roles = {"city_admin", "county_supervisor", "auditor"}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"


class SiteFlag(models.Model):
    """Small key/value facts about this installation (e.g. 'demo' when the demo city is loaded)."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.CharField(max_length=255, blank=True)

    @classmethod
    def get(cls, key: str, default: str = "") -> str:
        row = cls.objects.filter(key=key).first()
        return row.value if row else default

    @classmethod
    def put(cls, key: str, value: str) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})


class Event(models.Model):
    """The one shape of a history row (Healthchecks' `Flip`): one row per state change of a thing,
    written by the service that makes the change, in its transaction, through `Event.record`.
    Subclasses add the foreign key to their subject (and any extra columns) and `ACTIONS`."""

    ACTIONS: list[tuple[str, str]] = []

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @classmethod
    def record(cls, user, action: str, *, from_status: str = "", to_status: str = "", note: str = "", **fields):
        """Write one event. `user` None is the system operator (the CLI, the demo, daily jobs);
        its name then comes from whoever `core.context` says is acting."""
        return cls.objects.create(**cls.actor_fields(user), action=action, from_status=from_status, to_status=to_status, note=note, **fields)

    @staticmethod
    def actor_fields(user) -> dict:
        """`actor` and `actor_name` of a row written for `user` (also for rows written in bulk)."""
        actor = user if user is not None and getattr(user, "pk", None) else None
        name = getattr(actor, "username", "") if actor is not None else (getattr(context.current().acting_user, "username", "") or "")
        return {"actor": actor, "actor_name": name}

    @property
    def action_label(self) -> str:
        return dict(self.ACTIONS).get(self.action, self.action)

    @property
    def actor_label(self) -> str:
        """Who acted, for pages: the user's name, or 系统 for the operator and daily jobs."""
        return self.actor_name or "系统"


class StoredFile(models.Model):
    """The one shape of an uploaded file (a receipt, minutes, task evidence): checked by content
    (`core.uploads.upload_errors`), sha256 kept, served by `core.views.serve_file`. Subclasses add
    the foreign key to what the file belongs to and may redeclare `file` with their own
    `upload_to`."""

    file = models.FileField(upload_to="uploads/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @classmethod
    def store(cls, user, filename: str, data: bytes, **fields):
        """Write one file that passed `core.uploads.upload_errors`: typed by its content, named by
        its digest, its own name kept for downloads. `user` None is the system operator."""
        checked = uploads.inspect(data)
        row = cls(
            filename=(filename or "附件")[:200], content_type=checked.mime, size=checked.size, sha256=checked.sha256,
            uploaded_by=user if user is not None and getattr(user, "pk", None) else None, **fields,
        )
        uploads.save_to(row.file, data, checked)
        row.save()
        return row


class Download(StoredFile):
    """A file made in the background for the one user who asked for it (a long export, a large
    PDF): queued, running (with `done` of `total` steps), ready (the file stored like an upload)
    or failed. `uploaded_by` is who asked, `uploaded_at` when; made by `core.downloads`."""

    STATUSES = [("queued", "排队中"), ("running", "正在生成"), ("ready", "已生成"), ("failed", "生成失败")]

    file = models.FileField(upload_to="downloads/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100)  # the XLSX type alone is 65 characters
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default="queued")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "后台生成的文件"

    @property
    def percent(self) -> int:
        if self.status == "ready":
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
