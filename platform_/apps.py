from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "platform_"
    label = "platform"
    verbose_name = "Platform"
