from django.urls import path

from . import views, views_assessments, views_rectification

app_name = "assessment"

urlpatterns = [
    path("assessment/", views.home, name="home"),
    # Team analysis rounds and the difficult-villages list
    path("assessment/rounds/", views.rounds, name="rounds"),
    path("assessment/rounds/<int:pk>/", views.round_detail, name="round"),
    path("assessment/rounds/<int:pk>/villages/<str:code>/", views.rate, name="rate"),
    path("assessment/rounds/<int:pk>/follow-ups/", views.follow_up, name="follow_up"),
    path("assessment/rounds/<int:pk>/review/", views.review, name="review"),
    path("assessment/difficult-villages/", views.difficult_list, name="difficult_list"),
    path("assessment/difficult-villages/import/", views.difficult_import, name="difficult_import"),
    path("assessment/difficult-villages/<int:pk>/", views.difficult_detail, name="difficult"),
    # Rectification of weak and lax organisations
    path("assessment/rectification/", views_rectification.rectification_list, name="rectification_list"),
    path("assessment/rectification/import/", views_rectification.rectification_import, name="rectification_import"),
    path("assessment/rectification/screening/", views_rectification.screening, name="screening"),
    path("assessment/rectification/screening/<int:year>/<str:code>/", views_rectification.screen, name="screen"),
    path("assessment/rectification/<int:pk>/", views_rectification.rectification_detail, name="rectification"),
    path("assessment/rectification/<int:pk>/measures/", views_rectification.measure_add, name="measure_add"),
    path("assessment/rectification/<int:pk>/acceptance/", views_rectification.acceptance, name="acceptance"),
    # Assessments and consequences
    path("assessment/annual/", views_assessments.assessment_list, name="assessments"),
    path("assessment/annual/consequences/", views_assessments.consequences, name="consequences"),
    path("assessment/annual/<int:pk>/", views_assessments.assessment_detail, name="assessment"),
    path("assessment/annual/<int:pk>/scores/", views_assessments.scores, name="scores"),
    path("assessment/annual/<int:pk>/import/", views_assessments.score_import, name="import"),
    path("assessment/annual/<int:pk>/finalize/", views_assessments.finalize, name="finalize"),
    path("assessment/annual/<int:pk>/apply/", views_assessments.apply, name="apply"),
    # The county's rules
    path("assessment/settings/", views.settings_page, name="settings"),
    path("assessment/settings/<slug:section>/", views.settings_save, name="settings_save"),
]
