"""The officers' API key pages, on the tenant host."""

from django.urls import path

from platform_.api import manage_views

app_name = "api_keys"

urlpatterns = [
    path("manage/api-keys/", manage_views.ApiKeyListView.as_view(), name="list"),
    path("manage/api-keys/new/", manage_views.CreateApiKeyView.as_view(), name="create"),
    path(
        "manage/api-keys/<int:pk>/revoke/", manage_views.RevokeApiKeyView.as_view(), name="revoke"
    ),
]
