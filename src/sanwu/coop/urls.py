from django.urls import path

from . import views

app_name = "coop"

# One block per topic (members and rosters, shares and the register, certificates, the
# distribution, joint ventures, the supervisory committee, public pages), each from its own
# `views/<topic>.py`.
urlpatterns = [
    # --- members and rosters ---
    path("coop/", views.coop_list, name="list"),
    path("coop/settings/", views.county_settings, name="settings"),
    path("coop/<int:pk>/", views.coop_detail, name="detail"),
    path("coop/<int:pk>/members/", views.members, name="members"),
    path("coop/<int:pk>/import/", views.import_members, name="import"),
    # --- shares, the register and certificates ---
    path("coop/<int:pk>/holdings/", views.holdings, name="holdings"),
    path("coop/<int:pk>/register/", views.register, name="register"),
    path("coop/<int:pk>/register/new/", views.change_new, name="change_new"),
]
