"""The books' domain logic, by topic:

- `roles`: who may do what (the role sets, the one check), `today`
- `books`: books, accounts, opening balances
- `drafts`: what a form, an API call or an import row says, and the one validator
- `vouchers`: drafts through submit, review and reject; red-ink reversal
- `posting`: the one posting path (single post and batch), the cash rule, kept totals
- `periods`: month close and reopening, year-end closing
- `counties`: a county's settings for its books
- `chain`, `verify`, `reports`, `reconcile`, `rankings`, `beancount`: the hash chain and its
  verification, the reports, bank reconciliation, city-wide rankings, the Beancount export

Every function takes the acting user (None for the system operator on the CLI) and checks the
scope gate itself; web, API, imports and CLI all call these as `services.x`.
"""

from .books import accounts_with_role, add_sub_account, confirm_opening, create_book, set_opening_balances
from .counties import negative_cash_mode, set_negative_cash
from .drafts import BookContext, EntryDraft, Signed, VoucherDraft, voucher_errors
from .periods import close_month, close_year, closing_drafts, confirm_close, reopen_month, year_end_drafts
from .posting import FLOW_ROLES, EntryRow, canonical_of, post, post_drafts, review_and_post
from .roles import BOOK_ADMIN_ROLES, MAKE_ROLES, POST_ROLES, REVIEW_ROLES, _require, today
from .vouchers import delete_draft, reject, review, save_draft, start_reversal, submit

__all__ = [
    "BOOK_ADMIN_ROLES",
    "FLOW_ROLES",
    "MAKE_ROLES",
    "POST_ROLES",
    "REVIEW_ROLES",
    "BookContext",
    "EntryDraft",
    "EntryRow",
    "Signed",
    "VoucherDraft",
    "accounts_with_role",
    "add_sub_account",
    "canonical_of",
    "close_month",
    "close_year",
    "closing_drafts",
    "confirm_close",
    "confirm_opening",
    "create_book",
    "delete_draft",
    "negative_cash_mode",
    "post",
    "post_drafts",
    "reject",
    "reopen_month",
    "review",
    "review_and_post",
    "save_draft",
    "set_negative_cash",
    "set_opening_balances",
    "start_reversal",
    "submit",
    "today",
    "voucher_errors",
    "year_end_drafts",
]
# `_require` stays importable here for `ledger.attachments` (until the one permission module
# replaces it); it is not part of the public surface.
