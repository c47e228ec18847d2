from django.apps import AppConfig

from sanwu.ledger import hooks


class OversightConfig(AppConfig):
    name = "sanwu.oversight"
    label = "oversight"
    verbose_name = "实时监管"

    def ready(self):
        from sanwu.core import downloads

        from . import services  # imports models: only once the app registry is ready

        hooks.on_posted(services.on_posted)
        downloads.register("oversight.feed.xlsx", services.write_feed_xlsx, downloads.XLSX)
