"""The platform staff's view of councils: read their details, change them through the services.

A council is made by ``provision_tenant`` (schema cloned, domain, first officer), never by a bare
row, so there is no "Add". Its status moves only through ``set_tenant_status`` (which guards the
template schema), offered as admin actions; slug and schema name never change. Branding goes
through ``update_branding`` (validated, old logo file removed).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import render
from django_tenants.admin import TenantAdminMixin

from tenants.enums import LifecycleStatus
from tenants.models import Domain, Tenant
from tenants.services import drop_tenant_schema, set_tenant_status, update_branding


class DomainInline(admin.TabularInline):
    """Shown, not edited: no service yet adds or removes a domain, and a hand edit could leave a
    council without a primary domain (unreachable, and its emails' links broken)."""

    model = Domain
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _status_action(new_status: str, description: str):
    def action(modeladmin: "TenantAdmin", request, queryset) -> None:
        for tenant in queryset:
            try:
                set_tenant_status(tenant, new_status, acting_user=request.user)
            except ValidationError as error:
                modeladmin.message_user(
                    request, f"{tenant}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                modeladmin.message_user(
                    request, f"{tenant} is now {tenant.get_status_display().lower()}."
                )

    action.__name__ = f"make_{new_status}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Tenant)
class TenantAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "slug"]
    fields = [
        "name",
        "kind",
        "brand_colour",
        "logo",
        "slug",
        "schema_name",
        "status",
        "status_changed_at",
        "created_at",
    ]
    readonly_fields = ["slug", "schema_name", "status", "status_changed_at", "created_at"]
    # A logo is replaced, never cleared to nothing: update_branding has no "remove".
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    inlines = [DomainInline]
    actions = [
        _status_action(LifecycleStatus.SUSPENDED, "Suspend (read-only site)"),
        _status_action(LifecycleStatus.ACTIVE, "Reactivate (active)"),
        _status_action(LifecycleStatus.CLOSED, "Close (site answers 'gone')"),
        "delete_data_now",
    ]

    @admin.action(description="Delete data now (closed councils only; cannot be undone)")
    def delete_data_now(self, request, queryset) -> None:
        # Django asks nothing before running an action, so the first submission shows what would
        # be deleted and the second (with "confirm") deletes it.
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "admin/tenants/delete_data_confirmation.html",
                {**self.admin_site.each_context(request), "tenants": queryset, "opts": self.opts},
            )
        for tenant in queryset:
            try:
                dropped = drop_tenant_schema(tenant, acting_user=request.user, force=True)
            except (ValidationError, PermissionDenied) as error:
                messages_text = getattr(error, "messages", None) or [str(error)]
                self.message_user(request, f"{tenant}: {' '.join(messages_text)}", messages.ERROR)
            else:
                done = "its data is deleted" if dropped else "its data was deleted already"
                self.message_user(request, f"{tenant}: {done}.")

    def get_queryset(self, request):
        return super().get_queryset(request).councils()

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting the row would leave its schema behind; closing is the way out.
        return False

    def save_model(self, request, obj: Tenant, form, change: bool) -> None:
        """Name and kind as edited; brand colour and logo through update_branding."""
        stored = Tenant.objects.get(pk=obj.pk)
        stored.name, stored.kind = obj.name, obj.kind
        stored.save(update_fields=["name", "kind"])
        changed = set(form.changed_data)
        if changed & {"brand_colour", "logo"}:
            update_branding(
                stored,
                brand_colour=obj.brand_colour if "brand_colour" in changed else None,
                logo=form.cleaned_data["logo"] if "logo" in changed else None,
            )
        form.instance = stored
