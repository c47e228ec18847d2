from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sanwu.ledger"
    label = "ledger"
    verbose_name = "账簿"

    def ready(self):
        from . import hooks
        from .management import ageing

        hooks.register_report("ageing", ageing.add_arguments, ageing.run, help=ageing.HELP)
