"""The audit trail. `record()` is called by services inside their transaction."""

import datetime as dt
import decimal

from django.db import models

from . import context
from .models import AuditEvent


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """Field values of a model instance, for old/new in the trail."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    old: dict | None = None,
    new: dict | None = None,
    region_code: str = "",
    note: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    actor=None,
) -> AuditEvent:
    who = context.current()
    user = actor if actor is not None else who.acting_user
    return AuditEvent.objects.create(
        actor=user if user is not None and getattr(user, "pk", None) else None,
        actor_name=getattr(user, "username", "") if user is not None else "",
        channel=who.channel,
        request_id=who.request_id,
        ip=who.ip,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        region_code=region_code,
        old=_plain(old) if old is not None else None,
        new=_plain(new) if new is not None else None,
        note=note,
    )
