"""股份经济合作社: the domain logic. Pages, the API, the CLI, the importer and the demo all call these.

Topics: `permissions`, `register` (the share register's core: numbered, chained operations and
the kept holdings), and — one file per topic — members and rosters, shares, certificates, the
distribution, joint ventures, the supervisory committee, settings, figures and `pending` (the
workbench).
"""

from .certificates import certificate_pdf, check, dividends_for, issue_certificate, lookup, public_summary
from .permissions import BANK_LIST_ROLES, BOARD_ROLES, KEEP_ROLES, SETTING_ROLES, TOWNSHIP_ROLES, may_keep
from .register import collective_holder, holdings_at, household_holder, member_holder, record, record_many, replay_problems

__all__ = [
    "BANK_LIST_ROLES", "BOARD_ROLES", "KEEP_ROLES", "SETTING_ROLES", "TOWNSHIP_ROLES", "may_keep",
    "certificate_pdf", "check", "dividends_for", "issue_certificate", "lookup", "public_summary",
    "collective_holder", "holdings_at", "household_holder", "member_holder", "record", "record_many",
    "replay_problems",
]
