"""Shared pieces for Sanwu's management commands: acting as a user, errors to stderr, output."""

import sys
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from . import context
from .errors import Invalid, Refused
from .tables import Table


@contextmanager
def cli_actor(username: str | None = None):
    """Run a command as `username` (scope-checked like the web) or as the system operator."""
    user = None
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在")
    with context.acting(context.Actor(user=user, channel="cli")) as actor:
        try:
            yield actor
        except Invalid as exc:
            raise CommandError("\n".join(exc.messages)) from None
        except Refused as exc:
            raise CommandError(str(exc)) from None


def emit(table: Table, fmt: str, output: str | None = None, stdout=None) -> None:
    data = table.render(fmt)
    if output:
        with open(output, "wb") as fh:
            fh.write(data)
        return
    if fmt == "xlsx":
        if sys.stdout.isatty():
            raise CommandError("xlsx 是二进制格式，请用 --output 文件名 保存，或重定向到文件")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    (stdout or sys.stdout).write(data.decode("utf-8"))
