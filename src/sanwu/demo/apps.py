from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sanwu.demo"
    label = "demo"
    verbose_name = "示例数据"
