from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("downloads/<int:pk>/", views.download_page, name="download"),
    path("downloads/<int:pk>/status/", views.download_status, name="download_status"),
    path("downloads/<int:pk>/file/", views.download_file, name="download_file"),
]
