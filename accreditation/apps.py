from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Charter Status accreditation"

    def ready(self) -> None:
        from accreditation import receivers  # noqa: F401, PLC0415 (connects the provisioning receivers)
