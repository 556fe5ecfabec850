from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "platform_.webhooks"
    label = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from platform_.domain_events import domain_event  # noqa: PLC0415 -- AppConfig.ready
        from platform_.webhooks import services  # noqa: PLC0415 -- AppConfig.ready

        domain_event.connect(services.record_deliveries, dispatch_uid="webhooks.record_deliveries")
