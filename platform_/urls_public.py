"""URLs of the platform host (public schema)."""

from django.contrib import admin
from django.urls import include, path

from platform_ import views
from platform_.billing.views.signup import PlatformLandingView
from platform_.billing.views.webhooks import StripeWebhookView

admin.site.site_header = "CoCharter platform"
admin.site.site_title = "CoCharter platform"

urlpatterns = [
    path("", PlatformLandingView.as_view(), name="home"),
    path("signup/", include("platform_.billing.signup_urls")),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("language/<str:code>/", views.LanguageView.as_view(), name="language"),
    path("admin/", admin.site.urls),
    path("stripe/webhook/", StripeWebhookView.as_view(), name="stripe.webhook"),
]
