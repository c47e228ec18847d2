from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("oversight/feed/", views.feed, name="feed"),
    path("oversight/feed/rows/", views.feed_rows, name="feed_rows"),
    path("oversight/warnings/", views.warning_list, name="warnings"),
    path("oversight/warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("oversight/warnings/<int:pk>/<slug:action>/", views.warning_action, name="warning_action"),
    path("oversight/dashboard/", views.dashboard, name="dashboard"),
    path("oversight/queue/", views.queue, name="queue"),
    path("oversight/settings/", views.rule_settings, name="settings"),
]
