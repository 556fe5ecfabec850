from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "platform_.api"
    label = "api"
    verbose_name = "REST API"
