from django.urls import path

from sanwu.core.views import serve_file

from .models import Archive, Attachment
from .views import ageing, archives, attachments, bank, books, imports, periods, reports, vouchers

app_name = "ledger"

# The one URLconf of the books: book, voucher, period and account pages, the voucher import page
# and the report pages (each report also answers ?format=xlsx|csv|json|pdf).
urlpatterns = [
    path("books/", books.book_list, name="books"),
    path("books/<str:code>/", books.book_detail, name="book"),
    path("books/<str:code>/vouchers/", vouchers.voucher_list, name="vouchers"),
    path("books/<str:code>/vouchers/new/", vouchers.voucher_new, name="voucher_new"),
    path("books/<str:code>/vouchers/<int:pk>/", vouchers.voucher_detail, name="voucher"),
    path("books/<str:code>/vouchers/<int:pk>/edit/", vouchers.voucher_edit, name="voucher_edit"),
    path("books/<str:code>/vouchers/<int:pk>/attachments/", attachments.attachment_add, name="attachment_add"),
    path("books/<str:code>/vouchers/<int:pk>/print/", vouchers.voucher_print, name="voucher_print"),
    path("books/<str:code>/vouchers/<int:pk>/template/", vouchers.template_add, name="template_add"),
    path("books/<str:code>/templates/<int:pk>/delete/", vouchers.template_delete, name="template_delete"),
    path("books/<str:code>/vouchers/<int:pk>/<slug:action>/", vouchers.voucher_action, name="voucher_action"),
    path("books/<str:voucher__book__code>/attachments/<int:pk>/", serve_file, {"model": Attachment}, name="attachment"),
    path("books/<str:code>/review/", vouchers.review_queue, name="queue"),
    path("books/<str:code>/periods/", periods.periods, name="periods"),
    path("books/<str:code>/periods/close/", periods.period_close, name="period_close"),
    path("books/<str:code>/periods/<int:year>/<int:month>/<slug:action>/", periods.period_action, name="period_action"),
    path("books/<str:code>/year-end/<int:year>/", periods.year_end, name="year_end"),
    path("books/<str:code>/archives/", archives.archives, name="archives"),
    path("books/<str:code>/archives/<int:year>/make/", archives.archive_make, name="archive_make"),
    path("books/<str:book__code>/archives/file/<int:pk>/", serve_file, {"model": Archive}, name="archive_file"),
    path("archives/due/", archives.archives_due, name="archives_due"),
    path("books/<str:code>/year-end/<int:year>/reopen/", periods.year_reopen, name="year_reopen"),
    path("books/<str:code>/accounts/", books.accounts, name="accounts"),
    path("books/<str:code>/opening/", books.opening, name="opening"),
    path("books/<str:code>/chart-move/", books.chart_move, name="chart_move"),
    path("books/<str:code>/import/", imports.import_vouchers, name="import_vouchers"),
    path("books/<str:code>/reports/", reports.index, name="index"),
    path("books/<str:code>/reports/trial-balance/", reports.trial_balance, name="trial_balance"),
    path("books/<str:code>/reports/general-ledger/", reports.general_ledger, name="general_ledger"),
    path("books/<str:code>/reports/account-ledger/", reports.account_ledger, name="account_ledger"),
    path("books/<str:code>/reports/cash-journal/", reports.journal, {"role": "cash"}, name="cash_journal"),
    path("books/<str:code>/reports/bank-journal/", reports.journal, {"role": "bank"}, name="bank_journal"),
    path("books/<str:code>/reports/income-expense/", reports.income_expense, name="income_expense"),
    path("books/<str:code>/reports/balance-sheet/", reports.balance_sheet, name="balance_sheet"),
    path("books/<str:code>/reports/income-statement/", reports.income_statement, name="income_statement"),
    path("books/<str:code>/reports/reconciliation/", reports.reconciliation, name="reconciliation"),
    path("books/<str:code>/reports/reconciliation/<int:pk>/delete/", reports.assertion_delete, name="assertion_delete"),
    path("books/<str:code>/reports/reconciliation/import/", bank.statement_import, name="bank_import"),
    path("books/<str:code>/reports/reconciliation/bank/", bank.reconciliation_statement, name="bank_reconciliation"),
    path("books/<str:code>/reports/reconciliation/bank/match/", bank.match_screen, name="bank_match"),
    path("books/<str:code>/reports/reconciliation/bank/auto/", bank.auto_match, name="bank_auto_match"),
    path("books/<str:code>/reports/reconciliation/bank/lines/<int:pk>/match/", bank.line_match, name="bank_line_match"),
    path("books/<str:code>/reports/reconciliation/bank/lines/<int:pk>/unmatch/", bank.line_unmatch, name="bank_line_unmatch"),
    path("books/<str:code>/reports/ageing/", ageing.book_ageing, name="ageing"),
    path("ageing/", ageing.region_ageing, name="region_ageing"),
]
