from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sanwu.ledger"
    label = "ledger"
    verbose_name = "账簿"

    def ready(self):
        from sanwu.core import downloads

        from .services import archives

        downloads.register("ledger.archive", archives.make_download, "application/zip")
