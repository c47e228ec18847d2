from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "sanwu.decisions"
    label = "decisions"
    verbose_name = "四议两公开"
