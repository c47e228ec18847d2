"""The cooperative's pages, one module per topic."""

from .certificates import certificate_detail, certificate_new, certificate_pdf, certificates, public_check, public_lookup
from .distribution import (
    distribution, distribution_approve, distribution_bank_list, distribution_decide, distribution_pay, distribution_publish, distribution_reject,
    distribution_withdraw, distributions,
)
from .members import coop_detail, coop_list, county_settings, import_members, members
from .rosters import member_leave, member_new, roster_acknowledge, roster_confirm, roster_detail, roster_draft, roster_file, rosters
from .shares import change_new, holdings, register
from .supervision import officer_end, review_new, review_sign, supervision
from .ventures import venture_profit, ventures

__all__ = [
    "certificate_detail", "certificate_new", "certificate_pdf", "certificates", "change_new", "coop_detail", "coop_list", "county_settings",
    "distribution", "distribution_approve", "distribution_bank_list", "distribution_decide", "distribution_pay", "distribution_publish",
    "distribution_reject", "distribution_withdraw", "distributions", "holdings", "import_members", "member_leave", "member_new", "members",
    "officer_end", "public_check", "public_lookup", "register", "review_new", "review_sign", "roster_acknowledge", "roster_confirm", "roster_detail", "roster_draft", "roster_file", "rosters",
    "supervision", "venture_profit", "ventures",
]
