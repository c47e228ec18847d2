"""年度财务预算: the domain logic. Pages, the API, the CLI and the demo all call these.

Who may do what (roles bound to regions, checked here whatever the channel): the village
accountant drafts a budget for a book's year, sets its lines and drafts new versions; the village
Party secretary records the members' meeting (or the 四议两公开 matter) that approved it; everyone
in scope reads; a county supervisor sets whether over-budget spending is flagged or refused.

Topics: `permissions`, `budgets` (the life cycle), `actuals` (budget against actual from the kept
totals), `overruns` (before posting, at posting, for the oversight rule), `disclosure` (the
disclosure's section), `settings` (the county's rule), `pending` (the workbench).
"""

from .actuals import budget_vs_actual, to_month
from .budgets import (
    approve,
    budget_accounts,
    content_hash,
    create_budget,
    current_budget,
    is_intact,
    kind_of,
    remove_line,
    revise,
    set_line,
    set_lines,
)
from .disclosure import disclosure_figures, disclosure_section
from .overruns import find_overruns, over_budget_mode, overruns_of_posted, posting_problems, voucher_notes
from .pending import budgets_waiting
from .permissions import APPROVE_ROLES, DRAFT_ROLES, SETTING_ROLES, may_approve, may_draft
from .settings import set_over_budget

__all__ = [
    "APPROVE_ROLES",
    "DRAFT_ROLES",
    "SETTING_ROLES",
    "approve",
    "budget_accounts",
    "budget_vs_actual",
    "budgets_waiting",
    "content_hash",
    "create_budget",
    "current_budget",
    "disclosure_figures",
    "disclosure_section",
    "find_overruns",
    "is_intact",
    "kind_of",
    "may_approve",
    "may_draft",
    "over_budget_mode",
    "overruns_of_posted",
    "posting_problems",
    "remove_line",
    "revise",
    "set_line",
    "set_lines",
    "set_over_budget",
    "to_month",
    "voucher_notes",
]
