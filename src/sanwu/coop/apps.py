from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "sanwu.coop"
    label = "coop"
    verbose_name = "股份经济合作社"

    def ready(self):
        from sanwu.ledger import triggers as ledger_triggers

        from . import triggers

        ledger_triggers.register(triggers.RULES)
