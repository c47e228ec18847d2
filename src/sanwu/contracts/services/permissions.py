"""Who may do what with contracts: the village accountant registers them, imports them and links
the receipts; everyone in scope reads (counterparties who are people masked)."""

KEEP_ROLES = {"village_accountant"}
