from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sanwu.ledger"
    label = "ledger"
    verbose_name = "账簿"

    def ready(self):
        from sanwu.core import downloads

        from . import hooks
        from .management.commands import book, report
        from .services import archives

        downloads.register("ledger.archive", archives.make_download, "application/zip")
        hooks.register_report("bank-reconciliation", book.add_bank_reconciliation_arguments, book.run_bank_reconciliation,
                              help=book.BANK_RECONCILIATION_HELP)
        hooks.register_report("ageing", report.add_ageing_arguments, report.run_ageing, help=report.AGEING_HELP)
