"""Listeners told about vouchers the moment they are posted, inside the posting transaction
(the oversight app runs its warning rules here). A plain registry: apps register in ready()."""

from collections.abc import Callable

_posted: list[Callable] = []


def on_posted(listener: Callable) -> Callable:
    """Register `listener(book, vouchers, entries)`; usable as a decorator. `entries` are the
    vouchers' entries in line order, as written (each with voucher_id, account_id, debit,
    credit, counterparty, settlement, source), so that a listener need not read them back."""
    if listener not in _posted:
        _posted.append(listener)
    return listener


def notify_posted(book, vouchers, entries) -> None:
    for listener in list(_posted):
        listener(book, vouchers, entries)
