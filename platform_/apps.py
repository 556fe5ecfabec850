from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "platform_"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from platform_ import metrics, translation_memo  # noqa: PLC0415 -- needs settings

        translation_memo.install()
        # Workers count task failures and retries for /metrics (platform_/metrics.py).
        metrics.connect_celery_signals()
