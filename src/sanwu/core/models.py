from django.conf import settings
from django.db import models

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
