"""Who may do what with a payment request (roles bound to regions, checked through
`core.permissions` whatever the channel). `user=None` is the system operator (CLI, demo).

- the village accountant (`village_accountant`) fills in a request, attaches its receipts,
  submits it, registers the account the village pays from, and makes the payment voucher once
  the township has reviewed it (the voucher then goes through the books' own life cycle);
- the village Party secretary (`village_secretary`) approves it for the village or sends it
  back; above the county's committee threshold the approval names the 村务监督委员会 member who
  signed it (Sanwu has no supervisory-committee role yet: the secretary records that sign-off);
- the township supervisor (`township_supervisor`) reviews it or sends it back, writes the bank
  payment file for the township's bank and reads the bank's result file back;
- the county supervisor sets the county's thresholds.
"""

from sanwu.core.permissions import may

MAKE_ROLES = {"village_accountant"}
APPROVE_ROLES = {"village_secretary"}
REVIEW_ROLES = {"township_supervisor"}
BANK_ROLES = {"township_supervisor"}
SETTINGS_ROLES = {"county_supervisor"}


def may_make(user, req) -> bool:
    return may(user, MAKE_ROLES, req.book.region_id)


def may_approve(user, req) -> bool:
    return may(user, APPROVE_ROLES, req.book.region_id)


def may_review(user, req) -> bool:
    return may(user, REVIEW_ROLES, req.book.region_id)
