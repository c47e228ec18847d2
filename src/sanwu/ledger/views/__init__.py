"""The ledger's pages, by topic: `books` (list, overview, chart of accounts, opening balances),
`vouchers` (list, review queue, form, detail and its actions), `attachments` (receipts),
`periods` (closing and year-end), `imports` (the voucher import page) and `reports` (trial
balance, ledgers, journals, statements, bank reconciliation). `common` holds what they share."""
