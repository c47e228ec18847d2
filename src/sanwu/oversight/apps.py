from django.apps import AppConfig

from sanwu.ledger import hooks


class OversightConfig(AppConfig):
    name = "sanwu.oversight"
    label = "oversight"
    verbose_name = "实时监管"

    def ready(self):
        from . import services  # imports models: only once the app registry is ready

        hooks.on_posted(services.on_posted)
        hooks.register_close_check(services.open_warnings_by_month)
