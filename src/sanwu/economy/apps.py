from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "sanwu.economy"
    label = "economy"
    verbose_name = "集体经济"
