"""资产台账: the domain logic. Pages, the API, the CLI, the importer and the demo all call these.

Who may do what: the village accountant registers and imports cards, changes where they are and
who keeps them, runs the month's depreciation and records disposals; the township reviews the
vouchers these make, like any other; a county supervisor sets the county's rules; everyone in
scope reads.

Topics: `permissions`, `settings` (the county's rules), `cards` (the register and its cards),
`depreciation` (the month's run and what the books do with it), `disposal`, `verify` (cards
against the books), `resources` (land and other resources, areas by use), `pending` (the workbench).
"""

from .cards import (
    CHANGEABLE,
    CardData,
    add_card,
    add_cards,
    cards_problems,
    categories_of,
    category_accounts,
    change_card,
    first_open_month,
    register_of,
    vouchers_wanting_cards,
)
from .depreciation import MonthPlan, PlanLine, close_blockers, month_end, on_posted, plan, posting_problems, run_month, run_of
from .disposal import dispose, matter_problems, needs_matter
from .pending import cards_wanted, depreciation_waiting
from .permissions import KEEP_ROLES, SETTING_ROLES
from .resources import ResourceData, add_resources, areas_by_use, change_use, parse_kind, parse_use, resources_problems
from .settings import set_settings, settings_for
from .verify import Tie, book_notes, book_problems, role_balances, ties

__all__ = [
    "CHANGEABLE",
    "KEEP_ROLES",
    "SETTING_ROLES",
    "CardData",
    "MonthPlan",
    "PlanLine",
    "ResourceData",
    "Tie",
    "add_card",
    "add_cards",
    "add_resources",
    "areas_by_use",
    "change_use",
    "cards_problems",
    "book_notes",
    "book_problems",
    "cards_wanted",
    "categories_of",
    "category_accounts",
    "change_card",
    "close_blockers",
    "depreciation_waiting",
    "dispose",
    "first_open_month",
    "matter_problems",
    "month_end",
    "needs_matter",
    "on_posted",
    "parse_kind",
    "parse_use",
    "plan",
    "posting_problems",
    "register_of",
    "resources_problems",
    "role_balances",
    "run_month",
    "run_of",
    "set_settings",
    "settings_for",
    "ties",
    "vouchers_wanting_cards",
]
