"""资金支付审批: the domain logic. Pages, the API, the CLI and the demo all call these.

Topics: `permissions` (who may), `settings` (a county's thresholds, the account a book pays
from), `requests` (fill in, submit, approve, review, send back), `vouchers` (the payment voucher
made from a reviewed request; which vouchers rest on one), `bank` (the township's payment file
and the bank's result file), `pending` (the workbench).
"""

from .bank import FILE_COLUMNS, BankLine, ResultSummary, read_bank_result, send_bank_file, waiting_for_bank
from .pending import requests_waiting
from .permissions import APPROVE_ROLES, BANK_ROLES, MAKE_ROLES, REVIEW_ROLES, SETTINGS_ROLES, may_approve, may_make, may_review
from .requests import RequestData, add_receipt, approve, create_request, matter_problems, needs_matter_for, reject, review, submit, update_request
from .settings import FIELDS as THRESHOLD_FIELDS
from .settings import bank_accounts, payer_account_of, set_payer_account, thresholds_for, update_thresholds
from .vouchers import make_voucher, paying_account, requested_vouchers

__all__ = [
    "APPROVE_ROLES",
    "BANK_ROLES",
    "FILE_COLUMNS",
    "MAKE_ROLES",
    "REVIEW_ROLES",
    "SETTINGS_ROLES",
    "THRESHOLD_FIELDS",
    "BankLine",
    "RequestData",
    "ResultSummary",
    "add_receipt",
    "approve",
    "bank_accounts",
    "create_request",
    "make_voucher",
    "matter_problems",
    "needs_matter_for",
    "may_approve",
    "may_make",
    "may_review",
    "payer_account_of",
    "paying_account",
    "read_bank_result",
    "reject",
    "requested_vouchers",
    "requests_waiting",
    "review",
    "send_bank_file",
    "set_payer_account",
    "submit",
    "thresholds_for",
    "update_request",
    "update_thresholds",
    "waiting_for_bank",
]
