from django.urls import path

from . import public_views, views

app_name = "disclosure"

urlpatterns = [
    # Inside the platform (login, scope gate).
    path("disclosures/", views.disclosure_list, name="list"),
    path("disclosures/prepare/", views.prepare, name="prepare"),
    path("disclosures/settings/", views.settings_page, name="settings"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="detail"),
    path("disclosures/<int:pk>/<slug:action>/", views.disclosure_action, name="action"),
    path("questions/", views.question_list, name="questions"),
    path("questions/stats/", views.question_stats, name="stats"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    # The public village page (no login): published data only.
    path("v/<str:code>/", public_views.village, name="village_public"),
    path("v/<str:code>/ask/", public_views.ask, name="ask"),
    path("v/<str:code>/qr.png", public_views.qr_png, name="qr_png"),
    path("v/<str:code>/qr.svg", public_views.qr_svg, name="qr_svg"),
    path("v/<str:code>/d/<int:pk>/", public_views.disclosure, name="public_disclosure"),
    path("v/<str:code>/d/<int:pk>/notice.pdf", public_views.notice_pdf, name="notice_pdf"),
]
