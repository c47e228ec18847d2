from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/password/", views.password_change, name="password"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/reset/", views.user_reset, name="user_reset"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("users/<int:pk>/roles/<int:assignment_id>/withdraw/", views.role_withdraw, name="role_withdraw"),
]
