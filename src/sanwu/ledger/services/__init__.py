"""The books' domain logic, by topic:

- `roles`: who may do what (the role sets, the one check `require_role`, `audit_change`)
- `books`: books, accounts, opening balances
- `chartmove`: a book moved from the 2004 chart to the 2023 chart, and its mapping report
- `drafts`: what a form, an API call or an import row says, and the one validator
- `vouchers`: drafts through submit, review and reject; red-ink reversal
- `posting`: the one posting path (single post and batch), the cash rule, kept totals
- `periods`: month close and reopening, year-end closing
- `counties`: a county's settings for its books
- `ageing`: 往来款项明细, receivables and payables by counterparty with their ageing (FIFO)
- `chain`, `verify`, `reports`, `reconcile`, `rankings`, `beancount`: the hash chain and its
  verification, the reports, bank reconciliation, city-wide rankings, the Beancount export

Every function takes the acting user (None for the system operator on the CLI) and checks the
scope gate itself; web, API, imports and CLI all call these as `services.x`.
"""

from sanwu.core.dates import today

from .books import accounts_with_role, add_sub_account, confirm_opening, create_book, leaf_for, set_opening_balances
from .chartmove import MOVE_ROLES, chart_move_of, chart_move_report, chart_move_table, migrate_chart, move_cutoff
from .counties import (
    december_close_by,
    december_deadline,
    negative_cash_mode,
    receivable_age_years,
    set_december_deadline,
    set_negative_cash,
    set_receivable_age_years,
)
from .drafts import BookContext, EntryDraft, Signed, VoucherDraft, voucher_errors
from .pending import ranking_changes, verification_states, verify_and_record, vouchers_waiting
from .periods import (
    MonthCheck,
    close_checks,
    close_month,
    close_months,
    close_year,
    closing_drafts,
    confirm_close,
    months_between,
    reopen_month,
    reopen_year,
    year_closed,
    year_end_drafts,
    year_end_left,
)
from .posting import FLOW_ROLES, EntryRow, canonical_of, post, post_drafts, review_and_post
from .roles import BOOK_ADMIN_ROLES, MAKE_ROLES, POST_ROLES, REVIEW_ROLES
from .vouchers import (
    common_summaries,
    delete_draft,
    delete_template,
    next_waiting,
    reject,
    review,
    save_draft,
    save_template,
    start_reversal,
    store_receipt,
    submit,
)

__all__ = [
    "BOOK_ADMIN_ROLES",
    "FLOW_ROLES",
    "MAKE_ROLES",
    "MOVE_ROLES",
    "POST_ROLES",
    "REVIEW_ROLES",
    "BookContext",
    "EntryDraft",
    "EntryRow",
    "Signed",
    "VoucherDraft",
    "accounts_with_role",
    "leaf_for",
    "add_sub_account",
    "canonical_of",
    "chart_move_of",
    "chart_move_report",
    "chart_move_table",
    "migrate_chart",
    "move_cutoff",
    "MonthCheck",
    "close_checks",
    "close_month",
    "close_months",
    "months_between",
    "close_year",
    "common_summaries",
    "closing_drafts",
    "confirm_close",
    "confirm_opening",
    "create_book",
    "delete_draft",
    "delete_template",
    "negative_cash_mode",
    "december_close_by",
    "december_deadline",
    "set_december_deadline",
    "next_waiting",
    "post",
    "post_drafts",
    "ranking_changes",
    "reject",
    "reopen_month",
    "reopen_year",
    "review",
    "review_and_post",
    "save_draft",
    "save_template",
    "set_negative_cash",
    "set_receivable_age_years",
    "receivable_age_years",
    "set_opening_balances",
    "start_reversal",
    "store_receipt",
    "submit",
    "today",
    "verification_states",
    "verify_and_record",
    "voucher_errors",
    "vouchers_waiting",
    "year_end_drafts",
    "year_end_left",
    "year_closed",
]
