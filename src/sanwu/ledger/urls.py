from django.urls import path

app_name = "ledger"

# Book and voucher pages (owned by the ledger web UI work).
urlpatterns: list = []
