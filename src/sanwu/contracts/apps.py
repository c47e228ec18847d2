from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "sanwu.contracts"
    label = "contracts"
    verbose_name = "合同"

    def ready(self):
        from sanwu.ledger import hooks
        from sanwu.ledger import triggers as ledger_triggers

        from . import triggers
        from .services import book_problems

        ledger_triggers.register(triggers.RULES)
        # `sanwu verify`: each schedule line's kept paid against its receipt links.
        hooks.register_book_check(book_problems)
