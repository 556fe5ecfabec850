from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "platform_.exports"
    label = "exports"
    verbose_name = "Data exports"
