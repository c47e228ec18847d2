from django.contrib.auth import views as auth_views
from django.urls import include, path

from sanwu.regions import views as region_views
from sanwu.workbench import views as workbench_views

from .api import api, openapi_json

urlpatterns = [
    path("", workbench_views.home, name="home"),
    path("overview/", region_views.home, name="overview"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("sanwu.core.urls")),
    path("", include("sanwu.regions.urls")),
    path("", include("sanwu.accounts.urls")),
    path("", include("sanwu.ledger.urls")),
    path("", include("sanwu.decisions.urls")),
    path("", include("sanwu.budgets.urls")),
    path("", include("sanwu.assets.urls")),
    path("", include("sanwu.contracts.urls")),
    path("", include("sanwu.oversight.urls")),
    path("", include("sanwu.payments.urls")),
    path("", include("sanwu.coop.urls")),
    path("", include("sanwu.disclosure.urls")),
    path("", include("sanwu.economy.urls")),
    path("", include("sanwu.partywork.urls")),
    path("", include("sanwu.assessment.urls")),
    path("", include("sanwu.workbench.urls")),
    path("api/v1/openapi.json", openapi_json),
    path("api/v1/", api.urls),
]

handler500 = "sanwu.core.dberrors.server_error"
