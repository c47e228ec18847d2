from django.urls import path

app_name = "ledger_import"

# The voucher import page (upload, progress, errors by row).
urlpatterns: list = []
