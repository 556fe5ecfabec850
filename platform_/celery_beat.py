"""Beat scheduler that sends per-tenant periodic tasks to live tenants (and public when asked)."""

from django.db.models import Q
from tenant_schemas_celery.scheduler import TenantAwareScheduler

from tenants.models import Tenant


class TenantBeatScheduler(TenantAwareScheduler):
    @classmethod
    def get_queryset(cls):
        # The template schema is not a council: nothing periodic runs in it. Public is kept for
        # entries that name it (tenant_schemas); the scheduler leaves it out of "all tenants".
        return Tenant.objects.filter(
            Q(schema_name="public") | Q(pk__in=Tenant.objects.serving().values("pk"))
        )
