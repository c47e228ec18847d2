import uuid

from django.http import Http404
from django.views.defaults import page_not_found

from . import context
from .errors import NotFound


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


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
