from django.urls import path

from .views import assessments, difficult, home, rectification, rounds, settings

app_name = "assessment"

urlpatterns = [
    path("assessment/", home.home, name="home"),
    # Team analysis rounds and the difficult-villages list
    path("assessment/rounds/", rounds.rounds, name="rounds"),
    path("assessment/rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("assessment/rounds/<int:pk>/villages/<str:code>/", rounds.rate, name="rate"),
    path("assessment/rounds/<int:pk>/follow-ups/", rounds.follow_up, name="follow_up"),
    path("assessment/rounds/<int:pk>/review/", rounds.review, name="review"),
    path("assessment/difficult-villages/", difficult.difficult_list, name="difficult_list"),
    path("assessment/difficult-villages/import/", difficult.difficult_import, name="difficult_import"),
    path("assessment/difficult-villages/<int:pk>/", difficult.difficult_detail, name="difficult"),
    # Rectification of weak and lax organisations
    path("assessment/rectification/", rectification.rectification_list, name="rectification_list"),
    path("assessment/rectification/import/", rectification.rectification_import, name="rectification_import"),
    path("assessment/rectification/screening/", rectification.screening, name="screening"),
    path("assessment/rectification/screening/<int:year>/<str:code>/", rectification.screen, name="screen"),
    path("assessment/rectification/<int:pk>/", rectification.rectification_detail, name="rectification"),
    path("assessment/rectification/<int:pk>/measures/", rectification.measure_add, name="measure_add"),
    path("assessment/rectification/<int:pk>/acceptance/", rectification.acceptance, name="acceptance"),
    # Assessments and consequences
    path("assessment/annual/", assessments.assessment_list, name="assessments"),
    path("assessment/annual/consequences/", assessments.consequences, name="consequences"),
    path("assessment/annual/<int:pk>/", assessments.assessment_detail, name="assessment"),
    path("assessment/annual/<int:pk>/scores/", assessments.scores, name="scores"),
    path("assessment/annual/<int:pk>/import/", assessments.score_import, name="import"),
    path("assessment/annual/<int:pk>/finalize/", assessments.finalize, name="finalize"),
    path("assessment/annual/<int:pk>/apply/", assessments.apply, name="apply"),
    # The county's rules
    path("assessment/settings/", settings.settings_page, name="settings"),
    path("assessment/settings/<slug:section>/", settings.settings_save, name="settings_save"),
]
