from django.urls import path

from . import views

app_name = "economy"

# Every page takes ?region=CODE (default: the region picked in the session, else the user's own)
# and ?year=Y (default: the latest year with posted income or expenses); tables answer
# ?format=xlsx|csv|json, the brief ?format=txt|doc|pdf.
urlpatterns = [
    path("economy/", views.overview, name="overview"),
    path("economy/trends/", views.trends, name="trends"),
    path("economy/villages/", views.villages, name="villages"),
    path("economy/awards/", views.awards, name="awards"),
    path("economy/awards/<str:village>/<int:year>/", views.award, name="award"),
    path("economy/awards/<str:village>/<int:year>/<slug:action>/", views.award_action, name="award_action"),
    path("economy/brief/", views.brief, name="brief"),
    path("economy/rules/", views.settings_page, name="settings"),
]
