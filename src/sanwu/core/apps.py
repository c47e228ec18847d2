from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sanwu.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login, failed login, logout into the audit trail)
