"""Who is acting, from which request: set by the middleware (web, API) or the CLI."""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Actor:
    user: object | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    channel: str = "web"  # web | api | cli | system
    request: object | None = None

    @property
    def acting_user(self):
        if self.user is not None:
            return self.user
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("sanwu_actor", default=None)


def current() -> Actor:
    actor = _current.get()
    return actor if actor is not None else Actor(channel="system")


@contextmanager
def acting(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def set_user(user) -> None:
    actor = _current.get()
    if actor is not None:
        actor.user = user
