"""合同: the domain logic. Pages, the API, the CLI, the importer and the demo all call these.

Topics: `permissions`, `contracts` (registering contracts and their schedules), `receipts` (receipt
vouchers linked to schedule lines; `sanwu verify`'s check), `arrears` (overdue lines with ageing).
"""

from .arrears import arrears
from .contracts import ContractData, add_contracts, contracts_problems, counterparty_label
from .permissions import KEEP_ROLES
from .receipts import book_problems, link_receipt, linked_of, money_in, receipts_of
from .warnings import contract_facts, income_without_contract, limits_for

__all__ = [
    "KEEP_ROLES",
    "ContractData",
    "add_contracts",
    "arrears",
    "book_problems",
    "contract_facts",
    "contracts_problems",
    "counterparty_label",
    "income_without_contract",
    "limits_for",
    "link_receipt",
    "linked_of",
    "money_in",
    "receipts_of",
]
