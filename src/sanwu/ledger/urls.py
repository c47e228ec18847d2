from django.urls import path

from . import views

app_name = "ledger"

# Book and voucher pages. Reports live under books/<code>/reports/ (urls_reports) and the
# import page under books/<code>/import/ (urls_import).
urlpatterns = [
    path("books/", views.book_list, name="books"),
    path("books/<str:code>/", views.book_detail, name="book"),
    path("books/<str:code>/vouchers/", views.voucher_list, name="vouchers"),
    path("books/<str:code>/vouchers/new/", views.voucher_new, name="voucher_new"),
    path("books/<str:code>/vouchers/<int:pk>/", views.voucher_detail, name="voucher"),
    path("books/<str:code>/vouchers/<int:pk>/edit/", views.voucher_edit, name="voucher_edit"),
    path("books/<str:code>/vouchers/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("books/<str:code>/vouchers/<int:pk>/<slug:action>/", views.voucher_action, name="voucher_action"),
    path("books/<str:code>/attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("books/<str:code>/review/", views.review_queue, name="queue"),
    path("books/<str:code>/periods/", views.periods, name="periods"),
    path("books/<str:code>/periods/<int:year>/<int:month>/<slug:action>/", views.period_action, name="period_action"),
    path("books/<str:code>/year-end/<int:year>/", views.year_end, name="year_end"),
    path("books/<str:code>/accounts/", views.accounts, name="accounts"),
    path("books/<str:code>/opening/", views.opening, name="opening"),
]
