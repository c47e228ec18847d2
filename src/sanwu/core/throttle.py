"""Login throttling (django-axes) that also counts failures per address across usernames.

Axes locks a (username, address) pair after `AXES_FAILURE_LIMIT` failures. One address trying many
usernames — four wrong passwords each, never reaching the pair's limit — is locked as well once
its failures over all usernames reach `SANWU_LOGIN_ADDRESS_LIMIT` within the cool-off period.
The address comes from `core.middleware.client_ip` (trusted proxies only)."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .middleware import client_ip


def address_failures(address: str | None) -> int:
    """Failed logins from `address` over every username within the cool-off period."""
    if not address:
        return 0
    since = timezone.now() - timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class AddressAwareHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The pair's failures; at least the lock limit once the address has reached its own."""
        pair = super().get_failures(request, credentials)
        if address_failures(client_ip(request)) >= settings.SANWU_LOGIN_ADDRESS_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair
