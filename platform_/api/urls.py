"""The REST API under /api/v1/ on a council's host (README "API")."""

from django.urls import path

from platform_.api import docs
from platform_.api.views import keyed, public

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("schema/docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Public, read only.
    path("charter/", public.CharterApiView.as_view(), name="charter"),
    path("register/", public.RegisterListApiView.as_view(), name="register"),
    path("register/<slug:slug>/", public.RegisterEntryApiView.as_view(), name="register.entry"),
    path("awards/", public.AwardListApiView.as_view(), name="awards"),
    path("verify/<str:code>/", public.VerifyApiView.as_view(), name="verify"),
    # With a council API key.
    path("manage/organisations/", keyed.OrganisationListApiView.as_view(), name="organisations"),
    path(
        "manage/organisations/<slug:slug>/",
        keyed.OrganisationApiView.as_view(),
        name="organisation",
    ),
    path("manage/signatures/", keyed.SignatureListApiView.as_view(), name="signatures"),
    path("manage/applications/", keyed.ApplicationListApiView.as_view(), name="applications"),
    path("manage/applications/<int:pk>/", keyed.ApplicationApiView.as_view(), name="application"),
    path("manage/awards/", keyed.CouncilAwardListApiView.as_view(), name="manage.awards"),
    path("manage/invitations/", keyed.InvitationApiView.as_view(), name="invitations"),
    path("manage/exports/", keyed.ExportListApiView.as_view(), name="exports"),
    path("manage/exports/<int:pk>/", keyed.ExportApiView.as_view(), name="export"),
    path(
        "manage/exports/<int:pk>/download/",
        keyed.ExportDownloadApiView.as_view(),
        name="export.download",
    ),
]
