from django.urls import path

from platform_.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("manage/webhooks/", views.WebhookListView.as_view(), name="list"),
    path("manage/webhooks/add/", views.EndpointCreateView.as_view(), name="endpoint.add"),
    path("manage/webhooks/<int:pk>/", views.EndpointDetailView.as_view(), name="endpoint"),
    path("manage/webhooks/<int:pk>/edit/", views.EndpointEditView.as_view(), name="endpoint.edit"),
    path("manage/webhooks/<int:pk>/ping/", views.EndpointPingView.as_view(), name="endpoint.ping"),
    path(
        "manage/webhooks/<int:pk>/rotate-secret/",
        views.EndpointRotateSecretView.as_view(),
        name="endpoint.rotate",
    ),
    path(
        "manage/webhooks/<int:pk>/disable/",
        views.EndpointDisableView.as_view(),
        name="endpoint.disable",
    ),
    path(
        "manage/webhooks/<int:pk>/enable/",
        views.EndpointEnableView.as_view(),
        name="endpoint.enable",
    ),
    path(
        "manage/webhooks/<int:pk>/delete/",
        views.EndpointDeleteView.as_view(),
        name="endpoint.delete",
    ),
    path(
        "manage/webhooks/deliveries/<int:pk>/",
        views.DeliveryDetailView.as_view(),
        name="delivery",
    ),
    path(
        "manage/webhooks/deliveries/<int:pk>/retry/",
        views.DeliveryRetryView.as_view(),
        name="delivery.retry",
    ),
]
