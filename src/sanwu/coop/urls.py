from django.urls import path  # noqa: F401  (each topic adds its paths below)

app_name = "coop"

# One block per topic (members and rosters, shares and the register, certificates, the
# distribution, joint ventures, the supervisory committee, public pages), each from its own
# `views/<topic>.py`.
urlpatterns = [
]
