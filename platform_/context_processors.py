"""Template context every page needs: which tenant (if any) this page belongs to."""

from django.db import connection


def branding(request):
    tenant = getattr(request, "tenant", None)
    is_tenant_site = tenant is not None and connection.schema_name != "public"
    return {
        "tenant": tenant if is_tenant_site else None,
        "service_name": tenant.name if is_tenant_site else "CoCharter",
    }
