from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "sanwu.disclosure"
    label = "disclosure"
    verbose_name = "村务公开"
