from django.urls import path

from . import report_views as v

app_name = "ledger_reports"

# Report pages (trial balance, ledgers, journals, statements, reconciliation). Each page also
# answers ?format=xlsx|csv|json|pdf.
urlpatterns: list = [
    path("books/<str:code>/reports/", v.index, name="index"),
    path("books/<str:code>/reports/trial-balance/", v.trial_balance, name="trial_balance"),
    path("books/<str:code>/reports/general-ledger/", v.general_ledger, name="general_ledger"),
    path("books/<str:code>/reports/account-ledger/", v.account_ledger, name="account_ledger"),
    path("books/<str:code>/reports/cash-journal/", v.journal, {"role": "cash"}, name="cash_journal"),
    path("books/<str:code>/reports/bank-journal/", v.journal, {"role": "bank"}, name="bank_journal"),
    path("books/<str:code>/reports/income-expense/", v.income_expense, name="income_expense"),
    path("books/<str:code>/reports/balance-sheet/", v.balance_sheet, name="balance_sheet"),
    path("books/<str:code>/reports/income-statement/", v.income_statement, name="income_statement"),
    path("books/<str:code>/reports/reconciliation/", v.reconciliation, name="reconciliation"),
    path("books/<str:code>/reports/reconciliation/<int:pk>/delete/", v.assertion_delete, name="assertion_delete"),
]
