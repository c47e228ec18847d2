from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "sanwu.oversight"
    label = "oversight"
    verbose_name = "实时监管"
