"""The council's billing page, on the tenant host."""

from django.urls import path

from platform_.billing.views import manage as manage_views

app_name = "billing"

urlpatterns = [
    path("manage/billing/", manage_views.ManageBillingView.as_view(), name="manage"),
    path("manage/billing/portal/", manage_views.BillingPortalView.as_view(), name="portal"),
    path("manage/billing/reactivate/", manage_views.ReactivateView.as_view(), name="reactivate"),
]
