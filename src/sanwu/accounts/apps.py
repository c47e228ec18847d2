from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sanwu.accounts"
    verbose_name = "账号与授权"
