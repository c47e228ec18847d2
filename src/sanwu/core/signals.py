"""Login, failed login and logout go into the audit trail (these events have no service)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record("login", user, actor=user, object_type="auth.user")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", user, actor=user, object_type="auth.user")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record("login_failed", object_type="auth.user", object_id=str(credentials.get("username", ""))[:64])
