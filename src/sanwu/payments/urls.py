from django.urls import path

from sanwu.core.views import serve_file

from . import views
from .models import PaymentReceipt

app_name = "payments"

urlpatterns = [
    path("payments/", views.request_list, name="list"),
    path("payments/books/<str:code>/new/", views.request_new, name="new"),
    path("payments/books/<str:code>/payer/", views.payer, name="payer"),
    path("payments/<int:pk>/", views.request_detail, name="detail"),
    path("payments/<int:pk>/edit/", views.request_edit, name="edit"),
    path("payments/<int:pk>/submit/", views.submit, name="submit"),
    path("payments/<int:pk>/approve/", views.approve, name="approve"),
    path("payments/<int:pk>/review/", views.review, name="review"),
    path("payments/<int:pk>/reject/", views.reject, name="reject"),
    path("payments/<int:pk>/voucher/", views.make_voucher, name="voucher"),
    path("payments/<int:pk>/receipts/", views.receipt_add, name="receipt_add"),
    path("payments/receipts/<int:pk>/", serve_file, {"model": PaymentReceipt}, name="receipt"),
    path("payments/bank/<str:code>/", views.bank, name="bank"),
    path("payments/settings/", views.county_settings, name="settings"),
]
