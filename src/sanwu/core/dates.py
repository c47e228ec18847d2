"""The one clock: today and now in Asia/Shanghai (settings.TIME_ZONE)."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today's date where the villages are (Asia/Shanghai), whatever the server's zone."""
    return timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()
