from django.urls import path

from .views import awards, brief, figures, settings, statistics

app_name = "economy"

# Every page takes ?region=CODE (default: the region picked in the session, else the user's own)
# and ?year=Y (default: the latest year with posted income or expenses); tables answer
# ?format=xlsx|csv|json, the brief ?format=txt|doc|pdf.
urlpatterns = [
    path("economy/", figures.overview, name="overview"),
    path("economy/trends/", figures.trends, name="trends"),
    path("economy/villages/", figures.villages, name="villages"),
    path("economy/awards/", awards.awards, name="awards"),
    path("economy/awards/<str:village>/<int:year>/", awards.award, name="award"),
    path("economy/awards/<str:village>/<int:year>/<slug:action>/", awards.award_action, name="award_action"),
    path("economy/brief/", brief.brief, name="brief"),
    path("economy/rules/", settings.settings_page, name="settings"),
    path("economy/statistics/", statistics.statistics, name="statistics"),
    path("economy/statistics/<slug:form>/<str:code>/", statistics.cell, name="statistics_cell"),
]
