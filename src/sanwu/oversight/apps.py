from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "sanwu.oversight"
    label = "oversight"
    verbose_name = "实时监管"

    def ready(self):
        from sanwu.ledger import hooks

        from . import services

        hooks.on_posted(services.on_posted)
