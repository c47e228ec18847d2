from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.mark_all_read, name="read_all"),
    path("inbox/<int:pk>/", views.message_open, name="open"),
    path("workbench/books/<str:code>/verify/", views.verify_book, name="verify"),
]
