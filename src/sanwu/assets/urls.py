from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    path("assets/", views.card_list, name="list"),
    path("assets/books/<str:code>/", views.register, name="register"),
    path("assets/books/<str:code>/new/", views.card_new, name="card_new"),
    path("assets/books/<str:code>/import/", views.card_import, name="import"),
    path("assets/books/<str:code>/depreciation/", views.depreciation, name="depreciation"),
    path("assets/books/<str:code>/depreciation/run/", views.depreciation_run, name="depreciation_run"),
    path("assets/cards/<int:pk>/", views.card_detail, name="card"),
    path("assets/cards/<int:pk>/tag/", views.card_tag, name="tag"),
    path("assets/cards/<int:pk>/change/", views.card_change, name="change"),
    path("assets/cards/<int:pk>/dispose/", views.card_dispose, name="dispose"),
    path("assets/resources/", views.resources, name="resources"),
    path("assets/resources/<int:pk>/", views.resource_detail, name="resource"),
    path("assets/resources/<int:pk>/use/", views.resource_use, name="resource_use"),
    path("assets/villages/<str:code>/resources/new/", views.resource_new, name="resource_new"),
    path("assets/villages/<str:code>/resources/import/", views.resource_import, name="resource_import"),
]
