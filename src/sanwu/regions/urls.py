from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("regions/", views.tree, name="tree"),
    path("regions/import/", views.region_import, name="import"),
    path("regions/<str:code>/", views.tree, name="node"),
    path("scope/", views.pick_region, name="pick"),
    path("people/", views.people, name="people"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
]
