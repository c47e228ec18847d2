from django.urls import path

from .views import disclosures, public, questions

app_name = "disclosure"

urlpatterns = [
    # Inside the platform (login, scope gate).
    path("disclosures/", disclosures.disclosure_list, name="list"),
    path("disclosures/prepare/", disclosures.prepare, name="prepare"),
    path("disclosures/settings/", disclosures.settings_page, name="settings"),
    path("disclosures/<int:pk>/", disclosures.disclosure_detail, name="detail"),
    path("disclosures/<int:pk>/<slug:action>/", disclosures.disclosure_action, name="action"),
    path("questions/", questions.question_list, name="questions"),
    path("questions/stats/", questions.question_stats, name="stats"),
    path("questions/<int:pk>/", questions.question_detail, name="question"),
    # The public village page (no login): published data only.
    path("v/<str:code>/", public.village, name="village_public"),
    path("v/<str:code>/ask/", public.ask, name="ask"),
    path("v/<str:code>/q/<int:pk>/", public.question, name="public_question"),
    path("v/<str:code>/qr.png", public.qr_png, name="qr_png"),
    path("v/<str:code>/qr.svg", public.qr_svg, name="qr_svg"),
    path("v/<str:code>/d/<int:pk>/", public.disclosure, name="public_disclosure"),
    path("v/<str:code>/d/<int:pk>/notice.pdf", public.notice_pdf, name="notice_pdf"),
]
