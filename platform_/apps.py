from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "platform_"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from platform_ import translation_memo  # noqa: PLC0415 -- Django's start-up hook

        translation_memo.install()
