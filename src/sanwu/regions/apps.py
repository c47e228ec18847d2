from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sanwu.regions"
    label = "regions"
    verbose_name = "区划与人员"
