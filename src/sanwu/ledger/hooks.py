"""Where the apps above the ledger plug into it. Plain registries: apps register in their
AppConfig's ready(), so the ledger never imports them.

- `on_posted(listener)`: told about vouchers the moment they are posted, inside the posting
  transaction (the oversight app runs its warning rules here).
- `register_report(name, add_arguments, run)`: a statement printed by `sanwu report <name>`
  (the economy app adds `sanwu report economy`).
- `register_verifier(check)`: what else `sanwu verify` reports about a book whose chain or kept
  totals no longer match (the disclosure app names the published disclosures it affects).
- `register_book_check(check)`: what else `sanwu verify` recomputes for every book, each line a
  problem that fails the book (the cooperative replays the share register of the book's collective).
- `register_close_check(check)`: what else the month-close page shows before a month is closed
  (the oversight app counts the warnings still open).
- `register_close_blocker(check)`: what keeps a month open besides vouchers not yet posted (the
  asset register's depreciation not yet charged).
- `register_book_note(note)`: what `sanwu verify` says about a book without failing it (a book
  with no asset register yet).
- `register_posting_check(check)`: problems that refuse a posting, checked in the posting
  transaction before numbers are given (the budgets app refuses over-budget spending where the
  county says so).
- `register_voucher_note(note)`: lines shown on a voucher's page before it is posted (the
  budgets app says which budget line the voucher would take past its year's amount).
"""

from collections.abc import Callable
from dataclasses import dataclass

_posted: list[Callable] = []
_reports: dict[str, "Report"] = {}
_book_checks: list[Callable] = []
_verifiers: list[Callable] = []
_close_checks: list[Callable] = []
_close_blockers: list[Callable] = []
_book_notes: list[Callable] = []
_posting_checks: list[Callable] = []
_voucher_notes: list[Callable] = []


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


@dataclass(frozen=True)
class Report:
    name: str
    add_arguments: Callable  # (argparse parser) -> None: the report's options
    run: Callable  # (options: dict, stdout) -> None: prints the report
    help: str = ""


def register_report(name: str, add_arguments: Callable, run: Callable, *, help: str = "") -> Report:
    """Add `sanwu report <name>`: `add_arguments(parser)` declares its options on the report's
    own subparser, `run(options, stdout)` prints it (`core.cli_support.emit` for a table)."""
    report = Report(name, add_arguments, run, help)
    _reports[name] = report
    return report


def registered_reports() -> list[Report]:
    """The reports other apps added, in the order they registered."""
    return list(_reports.values())


def register_verifier(check: Callable) -> Callable:
    """Register `check(book) -> list[str]`; usable as a decorator. `sanwu verify` calls it for
    every book that fails verification and prints each line under the book's problems."""
    if check not in _verifiers:
        _verifiers.append(check)
    return check


def verifier_problems(book) -> list[str]:
    """Every registered check's lines for `book`, in registration order."""
    return [line for check in list(_verifiers) for line in check(book)]


def register_book_check(check: Callable) -> Callable:
    """Register `check(book) -> list[str]`; usable as a decorator. `sanwu verify` calls it for
    every book it checks, and any line it returns fails the book."""
    if check not in _book_checks:
        _book_checks.append(check)
    return check


def book_check_problems(book) -> list[str]:
    return [line for check in list(_book_checks) for line in check(book)]


def register_close_check(check: Callable) -> Callable:
    """Register `check(book, months) -> {(year, month): [line, …]}`; usable as a decorator. The
    lines are shown beside each month before it is closed; they do not keep it open."""
    if check not in _close_checks:
        _close_checks.append(check)
    return check


def close_check_notes(book, months: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    out: dict[tuple[int, int], list[str]] = {}
    for check in list(_close_checks):
        for ym, lines in check(book, months).items():
            out.setdefault(ym, []).extend(lines)
    return out


def register_close_blocker(check: Callable) -> Callable:
    """Register `check(book, months) -> {(year, month): [line, …]}`; any line keeps its month open."""
    if check not in _close_blockers:
        _close_blockers.append(check)
    return check


def close_blocker_lines(book, months: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    out: dict[tuple[int, int], list[str]] = {}
    for check in list(_close_blockers):
        for ym, lines in check(book, months).items():
            out.setdefault(ym, []).extend(lines)
    return out


def register_book_note(note: Callable) -> Callable:
    """Register `note(book) -> list[str]`: said after a book's verification, never failing it."""
    if note not in _book_notes:
        _book_notes.append(note)
    return note


def book_notes(book) -> list[str]:
    return [line for note in list(_book_notes) for line in note(book)]


def register_posting_check(check: Callable) -> Callable:
    """Register `check(book, vouchers, groups, user) -> list[Problem]`; usable as a decorator.
    `groups[i]`: the entries of `vouchers[i]` in line order. Any problem refuses the posting."""
    if check not in _posting_checks:
        _posting_checks.append(check)
    return check


def posting_problems(book, vouchers, groups, user) -> list:
    return [p for check in list(_posting_checks) for p in check(book, vouchers, groups, user)]


def register_voucher_note(note: Callable) -> Callable:
    """Register `note(voucher, entries) -> list[str]`; usable as a decorator."""
    if note not in _voucher_notes:
        _voucher_notes.append(note)
    return note


def voucher_notes(voucher, entries) -> list[str]:
    return [line for note in list(_voucher_notes) for line in note(voucher, entries)]
