import ipaddress
import uuid

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found

from . import context
from .errors import NotFound


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in settings.SANWU_TRUSTED_PROXY_NETWORKS)


def client_ip(request) -> str | None:
    """The client's address: the peer itself, unless the peer is one of the trusted proxies
    (`SANWU_TRUSTED_PROXIES`); then the nearest address in X-Forwarded-For that is not a trusted
    proxy. Used by the audit trail, the login lock (django-axes) and the villagers' question
    throttle alike; a forwarded header from anyone else is ignored."""
    peer = request.META.get("REMOTE_ADDR")
    if not peer or not settings.SANWU_TRUSTED_PROXY_NETWORKS or not _trusted(peer):
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer


class RequestIdMiddleware:
    """Gives every request an id (X-Request-ID) that the audit trail records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request.headers.get("X-Request-ID", "")
        if not (rid and len(rid) <= 64 and rid.replace("-", "").isalnum()):
            rid = uuid.uuid4().hex
        request.request_id = rid
        actor = context.Actor(request_id=rid, ip=client_ip(request), channel="web", request=request)
        with context.acting(actor):
            request.actor = actor
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class NotFoundMiddleware:
    """A service's `NotFound` (nothing there, or not in the user's scope) answers the 404 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(str(exception)))
        return None
