from django.urls import path

app_name = "ledger_reports"

# Report pages (trial balance, ledgers, journals, statements, reconciliation).
urlpatterns: list = []
