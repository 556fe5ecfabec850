"""Council sign up, on the platform host."""

from django.urls import path

from platform_.billing.views import signup as signup_views

app_name = "signup"

urlpatterns = [
    path("", signup_views.SignupView.as_view(), name="form"),
    path("<uuid:public_id>/", signup_views.SignupProgressView.as_view(), name="progress"),
    path("<uuid:public_id>/status/", signup_views.SignupStatusView.as_view(), name="status"),
]
