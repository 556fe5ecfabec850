"""Beat scheduler that sends per-tenant periodic tasks to live tenants only."""

from tenant_schemas_celery.scheduler import TenantAwareScheduler


class TenantBeatScheduler(TenantAwareScheduler):
    @classmethod
    def get_queryset(cls):
        from tenants.models import Tenant

        # The template schema is not a council: nothing periodic runs in it.
        return Tenant.objects.serving()
