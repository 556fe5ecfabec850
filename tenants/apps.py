from django.apps import AppConfig
from django.core import checks


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Councils and boards (tenants)"

    def ready(self) -> None:
        from celery.signals import worker_ready  # noqa: PLC0415 (connected once apps are ready)

        # Imported here because they import models; receivers connects the host-cache receivers.
        from platform_.health import register_readiness_report  # noqa: PLC0415
        from tenants import health, receivers  # noqa: F401, PLC0415

        checks.register(health.check_cloning_available, checks.Tags.database)
        register_readiness_report(health.readiness_report)
        # The web server says it in platform_/wsgi.py; a worker says it once it is ready.
        worker_ready.connect(health.warn_if_cloning_unavailable, weak=False)
