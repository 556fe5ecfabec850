from django.apps import AppConfig


class DriftAppConfig(AppConfig):
    name = "tests.tenants.driftapp"
    label = "driftapp"
    default_auto_field = "django.db.models.BigAutoField"
