"""Listeners told about vouchers the moment they are posted, inside the posting transaction
(the oversight app runs its warning rules here). A plain registry: apps register in ready()."""

from collections.abc import Callable

_posted: list[Callable] = []


def on_posted(listener: Callable) -> Callable:
    """Register `listener(book, vouchers)`; usable as a decorator."""
    if listener not in _posted:
        _posted.append(listener)
    return listener


def notify_posted(book, vouchers) -> None:
    for listener in list(_posted):
        listener(book, vouchers)
