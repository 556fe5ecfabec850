from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Councils and boards (tenants)"

    def ready(self) -> None:
        from tenants import signals  # noqa: F401 (connects the tenant-cache invalidation)
