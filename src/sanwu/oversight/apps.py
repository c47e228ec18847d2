from django.apps import AppConfig

from sanwu.ledger import hooks


class OversightConfig(AppConfig):
    name = "sanwu.oversight"
    label = "oversight"
    verbose_name = "实时监管"

    def ready(self):
        from django.db.models.signals import post_save

        from sanwu.core import downloads

        from . import services  # imports models: only once the app registry is ready
        from .models import Warning
        from .services.versions import warning_saved

        hooks.on_posted(services.on_posted)
        hooks.register_close_check(services.open_warnings_by_month)
        post_save.connect(warning_saved, sender=Warning, dispatch_uid="oversight.feed_generation")
        downloads.register("oversight.feed.xlsx", services.write_feed_xlsx, downloads.XLSX)
