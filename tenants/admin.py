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
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django_tenants.admin import TenantAdminMixin

from tenants.enums import LifecycleStatus
from tenants.models import Domain, Plan, PlanInterval, Tenant
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


def _status_action(new_status: str, description: str, *, staff_hold: bool):
    def action(modeladmin: "TenantAdmin", request, queryset) -> None:
        for tenant in queryset:
            try:
                set_tenant_status(
                    tenant, new_status, acting_user=request.user, staff_hold=staff_hold
                )
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
        "staff_hold",
        "status_changed_at",
        "contact_email",
        "staff_must_use_sso",
        "created_at",
    ]
    readonly_fields = [
        "slug",
        "schema_name",
        "status",
        "staff_hold",
        "staff_must_use_sso",
        "status_changed_at",
        "contact_email",
        "created_at",
    ]
    # A logo is replaced, never cleared to nothing: update_branding has no "remove".
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    inlines = [DomainInline]
    actions = [
        # Staff's suspensions and closures hold against billing (a later paid invoice must not
        # undo them); reactivating lifts the hold, and billing takes over again.
        _status_action(LifecycleStatus.SUSPENDED, "Suspend (read-only site)", staff_hold=True),
        _status_action(LifecycleStatus.ACTIVE, "Reactivate (active)", staff_hold=False),
        _status_action(LifecycleStatus.CLOSED, "Close (site answers 'gone')", staff_hold=True),
        "delete_data_now",
        "stop_requiring_sso",
    ]

    @admin.action(description="Let officers and assessors sign in with a password again (SSO)")
    def stop_requiring_sso(self, request, queryset) -> None:
        # The way back in when a council's own sign-in provider breaks while it requires it
        # (platform_/accounts/sso_services.py keeps officers from locking themselves out, but a
        # provider can still fail later). Saving drops the cached tenant (tenants/receivers.py).
        for tenant in queryset.filter(staff_must_use_sso=True):
            tenant.staff_must_use_sso = False
            tenant.save(update_fields=["staff_must_use_sso"])
            self.message_user(request, f"{tenant}: officers and assessors may use passwords again.")

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


def format_price(plan: Plan) -> str:
    """ "£1,200 a year", "£99.50 a month": the price as councils read it."""
    pounds, pence = divmod(plan.price_pence, 100)
    amount = f"£{pounds:,}" if not pence else f"£{pounds:,}.{pence:02d}"
    return f"{amount} {PlanInterval(plan.interval).label}"


def format_limits(plan: Plan) -> str:
    parts = [
        f"{plan.max_organisations} organisations" if plan.max_organisations is not None else "",
        f"{plan.max_assessors} assessors" if plan.max_assessors is not None else "",
    ]
    return ", ".join(part for part in parts if part) or "No limits"


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Plans as councils see them on the platform home and at sign up; the limits apply at each
    council's next request (saving a plan forgets the cached councils on it)."""

    list_display = [
        "name",
        "price",
        "limits",
        "trial_days",
        "is_available",
        "councils",
        "position",
    ]
    list_editable = ["position"]
    list_filter = ["is_available", "interval"]
    search_fields = ["name", "stripe_price_id"]
    fields = [
        "name",
        "description",
        ("price_pence", "interval"),
        "stripe_price_id",
        ("max_organisations", "max_assessors"),
        "trial_days",
        "is_available",
        "position",
        "in_use",
    ]
    readonly_fields = ["in_use"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(council_count=Count("tenants"))

    @admin.display(description="Price", ordering="price_pence")
    def price(self, plan: Plan) -> str:
        return format_price(plan)

    @admin.display(description="Limits")
    def limits(self, plan: Plan) -> str:
        return format_limits(plan)

    @admin.display(description="Councils", ordering="council_count")
    def councils(self, plan: Plan) -> str:
        # To the councils on it, in the council list.
        url = reverse("admin:tenants_tenant_changelist")
        return format_html(
            '<a href="{}?plan__id__exact={}">{}</a>', url, plan.pk, plan.council_count
        )

    @admin.display(description="In use")
    def in_use(self, plan: Plan) -> str:
        count = plan.tenants.count() if plan.pk else 0
        if not count:
            return "No council is on this plan."
        councils = "1 council is" if count == 1 else f"{count} councils are"
        return (
            f"{councils} on this plan, so it cannot be deleted. To stop offering it, untick "
            "'Is available'; to change what it allows, edit its limits (they apply at once)."
        )

    def has_delete_permission(self, request, obj: Plan | None = None) -> bool:
        # A plan councils are on cannot go (PROTECT): no Delete button rather than an error page.
        # Make it unavailable instead, so no new council picks it.
        if obj is not None and obj.tenants.exists():
            return False
        return super().has_delete_permission(request, obj)
