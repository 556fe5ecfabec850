from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "platform_.accounts"
    label = "accounts"
    verbose_name = "People and roles"
