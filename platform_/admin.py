"""The composition root's part of the platform admin (found by admin autodiscovery, after
tenants/admin.py): the console's view of councils, which reads the apps above tenants, replaces
tenants' own TenantAdmin, so tenants imports nothing above it."""

from django.contrib import admin

from platform_.console import ConsoleTenantAdmin
from tenants.models import Tenant

admin.site.unregister(Tenant)
admin.site.register(Tenant, ConsoleTenantAdmin)
