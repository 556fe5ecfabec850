from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Councils and boards (tenants)"

    def ready(self) -> None:
        from tenants import receivers  # noqa: F401, PLC0415 (connects the host-cache receivers)
