from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sanwu.ledger"
    label = "ledger"
    verbose_name = "账簿"
