from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "sanwu.workbench"
    verbose_name = "工作台与站内消息"
