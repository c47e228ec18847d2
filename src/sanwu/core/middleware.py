import uuid

from . import context


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
