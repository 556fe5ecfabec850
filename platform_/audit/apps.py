from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "platform_.audit"
    label = "audit"
    verbose_name = "Audit log"
