from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "platform_"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from platform_ import (  # noqa: PLC0415 -- needs settings
            data_generation,
            metrics,
            translation_memo,
        )

        translation_memo.install()
        # Every connection reports the writes it commits (platform_/data_generation.py).
        data_generation.install()
        # Workers count task failures and retries for /metrics (platform_/metrics.py).
        metrics.connect_celery_signals()
