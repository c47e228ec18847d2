from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/arrears/", views.arrears, name="arrears"),
    path("contracts/<int:pk>/", views.contract_detail, name="detail"),
    path("contracts/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("contracts/books/<str:code>/import/", views.contract_import, name="import"),
]
