from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("budgets/", views.budget_list, name="list"),
    path("budgets/new/", views.budget_new, name="new"),
    path("budgets/<int:pk>/", views.budget_detail, name="detail"),
    path("budgets/<int:pk>/lines/", views.line_edit, name="line"),
    path("budgets/<int:pk>/approve/", views.approve, name="approve"),
    path("budgets/<int:pk>/revise/", views.revise, name="revise"),
]
