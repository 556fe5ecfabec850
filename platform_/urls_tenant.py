"""URLs of a tenant's site (<slug>.<platform domain> or the council's own domain)."""

from django.urls import include, path

from charters.views.public import HomeView
from platform_ import views
from platform_.dashboard.views import DashboardCsvView, DashboardView
from tenants.views import BrandingLogoView, BrandingStylesheetView, ContactEmailView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("language/<str:code>/", views.LanguageView.as_view(), name="language"),
    path("branding.css", BrandingStylesheetView.as_view(), name="branding.css"),
    path("branding/logo", BrandingLogoView.as_view(), name="branding.logo"),
    path("manage/", DashboardView.as_view(), name="manage"),
    path(
        "manage/dashboard/<slug:name>.csv",
        DashboardCsvView.as_view(),
        name="manage.dashboard.csv",
    ),
    path("manage/contact/", ContactEmailView.as_view(), name="manage.contact"),
    path("", include("charters.urls")),
    path("", include("accreditation.urls")),
    path("", include("platform_.accounts.urls")),
    path("", include("platform_.exports.urls")),
    path("", include("platform_.webhooks.urls")),
    path("", include("platform_.billing.manage_urls")),
    path("", include("platform_.api.manage_urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("platform_.api.urls")),
]
