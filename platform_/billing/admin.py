"""Billing in the platform console: read-only. Stripe is the record of what was charged; these
rows follow it (webhooks and the lifecycle sync), and a hand edit here would only be overwritten
or, worse, disagree with Stripe until the next event."""

from django.contrib import admin

from platform_.billing.models import CouncilSignup, StripeEvent, Subscription


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = [
        "tenant",
        "stripe_status",
        "trial_end",
        "current_period_end",
        "cancel_at_period_end",
        "past_due_since",
        "canceled_at",
        "synced_at",
    ]
    list_filter = ["stripe_status", "cancel_at_period_end"]
    list_select_related = ["tenant"]
    search_fields = [
        "tenant__name",
        "tenant__slug",
        "stripe_customer_id",
        "stripe_subscription_id",
    ]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["stripe_id", "type", "received_at", "processed_at", "attempts", "last_error"]
    list_filter = ["type", "livemode"]
    search_fields = ["stripe_id", "type"]
    date_hierarchy = "received_at"


@admin.register(CouncilSignup)
class CouncilSignupAdmin(ReadOnlyAdmin):
    list_display = [
        "council_name",
        "slug",
        "plan",
        "status",
        "officer_email",
        "created_at",
        "completed_at",
        "tenant",
    ]
    list_filter = ["status", "plan"]
    list_select_related = ["plan", "tenant"]
    search_fields = ["council_name", "slug", "officer_email", "checkout_session_id"]
