from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "sanwu.assessment"
    label = "assessment"
    verbose_name = "研判、整顿与考核"
