from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "platform_.outbox"
    label = "outbox"
    verbose_name = "Email outbox"
