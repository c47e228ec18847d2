from django.urls import path

from .views import dashboard, feed, queue, settings, warnings

app_name = "oversight"

urlpatterns = [
    path("oversight/feed/", feed.feed, name="feed"),
    path("oversight/feed/rows/", feed.feed_rows, name="feed_rows"),
    path("oversight/warnings/", warnings.warning_list, name="warnings"),
    path("oversight/warnings/<int:pk>/", warnings.warning_detail, name="warning"),
    path("oversight/warnings/<int:pk>/<slug:action>/", warnings.warning_action, name="warning_action"),
    path("oversight/dashboard/", dashboard.dashboard, name="dashboard"),
    path("oversight/queue/", queue.queue, name="queue"),
    path("oversight/settings/", settings.rule_settings, name="settings"),
]
