from django.urls import path

from sanwu.core.views import serve_file

from . import views
from .models import StageAttachment

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.matter_list, name="list"),
    path("decisions/new/", views.matter_new, name="new"),
    path("decisions/<int:pk>/", views.matter_detail, name="detail"),
    path("decisions/<int:pk>/stages/<slug:stage>/", views.record, name="record"),
    path("decisions/<int:pk>/records/<int:record_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("decisions/attachments/<int:pk>/", serve_file, {"model": StageAttachment}, name="attachment"),
    path("decisions/<int:pk>/vouchers/", views.link_voucher, name="link"),
    path("decisions/<int:pk>/vouchers/options/", views.voucher_options, name="voucher_options"),
    path("decisions/<int:pk>/vouchers/<int:link_id>/remove/", views.unlink_voucher, name="unlink"),
    path("decisions/<int:pk>/comments/", views.comment, name="comment"),
    path("decisions/<int:pk>/abandon/", views.abandon, name="abandon"),
]
