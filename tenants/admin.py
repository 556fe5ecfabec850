from django.contrib import admin
from django_tenants.admin import TenantAdminMixin

from tenants.models import Domain, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name", "created_at", "status_changed_at"]
    inlines = [DomainInline]

    def get_queryset(self, request):
        return super().get_queryset(request).councils()
