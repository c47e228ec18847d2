from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "sanwu.payments"
    label = "payments"
    verbose_name = "资金支付审批"
