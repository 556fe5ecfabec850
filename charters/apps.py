from django.apps import AppConfig


class ChartersConfig(AppConfig):
    name = "charters"
    verbose_name = "Charters and signatories"

    def ready(self) -> None:
        from charters import receivers  # noqa: F401, PLC0415 (connects the provisioning receivers)
