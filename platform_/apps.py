from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "platform_"
    label = "platform"
    verbose_name = "Platform"

    def ready(self):
        from platform_ import metrics  # noqa: PLC0415 -- needs settings, so not at import

        # Workers count task failures and retries for /metrics (platform_/metrics.py).
        metrics.connect_celery_signals()
