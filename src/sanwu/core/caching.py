"""Pages that change only when what they show changes: conditional GET and pages kept per process.

A *version* is a cheap value (a few small queries) that changes whenever the page would: a
published disclosure's id and the chain head it was frozen with, the number of answered questions,
the newest postings of a feed. `etag` makes an ETag of it; Django's `condition` decorator then
answers 304 Not Modified to a browser that already holds that version.

`frozen_page` goes one step further for the public village pages, which are costly to make (the
check against the books re-reads the whole chain): the page is rendered once per version and kept
in the process's cache (Django's default, in memory) for at most `FROZEN_SECONDS`, so that the
check against the books runs again at least that often even when nothing visible changed. The
form's CSRF token is not kept: each answer gets a fresh one.
"""

import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import condition

FROZEN_SECONDS = 600
CSRF_SLOT = "__sanwu_csrf_token__"
_CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
_rendering: dict[str, threading.Lock] = {}
_rendering_lock = threading.Lock()


def etag(*parts) -> str:
    """A strong ETag of the parts (their repr, so dates and tuples may be in them)."""
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Frozen:
    body: bytes  # CSRF_SLOT where the form's token goes
    content_type: str
    etag: str


def _make(key: str, version, render: Callable[[], HttpResponse]) -> tuple | None:
    """Render the page and keep it: one thread of the process does, the others asking for the same
    page meanwhile wait for it rather than make it too."""
    with _rendering_lock:
        lock = _rendering.setdefault(key, threading.Lock())
    try:
        with lock:
            hit = cache.get(key)
            if hit is not None and hit[0] == version:
                return hit
            resp = render()
            if resp.status_code != 200 or resp.streaming:
                return None
            body = _CSRF_INPUT.sub(rf"\g<1>{CSRF_SLOT}\g<2>", resp.content.decode()).encode()
            hit = (version, Frozen(body, resp["Content-Type"], etag(version, body)))
            cache.set(key, hit, FROZEN_SECONDS)
            return hit
    finally:
        with _rendering_lock:
            _rendering.pop(key, None)


def frozen_page(version_of: Callable[..., object], variant: Callable[..., object] = lambda request: None):
    """Decorate a public GET view whose page depends only on `version_of(*args, **kwargs)` (None:
    no such thing; the view then answers itself, usually 404), on the host asked for, and on
    `variant(request)` (what the view reads of the query string; nothing else of it counts, so
    made-up parameters neither fill the cache nor make the page again)."""

    def decorator(view):
        def page(request, *args, **kwargs) -> Frozen | None:
            if hasattr(request, "_sanwu_frozen"):
                return request._sanwu_frozen
            version = version_of(*args, **kwargs)
            found = None
            if version is not None:
                key = "sanwu.frozen:" + etag(view.__module__, view.__name__, args, sorted(kwargs.items()), variant(request), request.get_host())
                hit = cache.get(key)
                if hit is None or hit[0] != version:
                    hit = _make(key, version, lambda: view(request, *args, **kwargs))
                found = hit[1] if hit is not None else None
            request._sanwu_frozen = found
            return found

        @wraps(view)
        @condition(etag_func=lambda request, *args, **kwargs: getattr(page(request, *args, **kwargs), "etag", None))
        def wrapped(request, *args, **kwargs):
            frozen = page(request, *args, **kwargs)
            if frozen is None:
                return view(request, *args, **kwargs)
            body = frozen.body
            if CSRF_SLOT.encode() in body:
                body = body.replace(CSRF_SLOT.encode(), get_token(request).encode())
            resp = HttpResponse(body, content_type=frozen.content_type)
            # Browsers keep the page and ask again each time; a changed page has a new ETag.
            resp["Cache-Control"] = "no-cache"
            return resp

        return wrapped

    return decorator
