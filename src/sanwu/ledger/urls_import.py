from django.urls import path

from . import views_import

app_name = "ledger_import"

# The voucher import page (upload, progress, errors by row).
urlpatterns: list = [
    path("books/<str:code>/import/", views_import.import_vouchers, name="import_vouchers"),
]
