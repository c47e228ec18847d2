from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "sanwu.coop"
    label = "coop"
    verbose_name = "股份经济合作社"

    def ready(self):
        from sanwu.ledger import hooks
        from sanwu.ledger import triggers as ledger_triggers

        from . import triggers
        from .services import register

        ledger_triggers.register(triggers.RULES)
        # `sanwu verify`: the share register of the book's cooperative replayed against its holdings.
        hooks.register_book_check(register.book_problems)
