from django.urls import path

from platform_.accounts import sso_views, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("manage/people/", views.PeopleView.as_view(), name="people"),
    path("manage/people/invite/", views.InvitePersonView.as_view(), name="people.invite"),
    path(
        "manage/people/invitations/<int:pk>/revoke/",
        views.RevokeInvitationView.as_view(),
        name="invitation.revoke",
    ),
    path("manage/sso/", sso_views.SSOSettingsView.as_view(), name="sso"),
    path(
        "accounts/invitation/<str:token>/",
        views.AcceptInvitationView.as_view(),
        name="invitation.accept",
    ),
    path("manage/sign-in/", two_factor_views.SignInRulesView.as_view(), name="sign_in_rules"),
    path(
        "accounts/two-step-sign-in/",
        two_factor_views.TwoFactorRequiredView.as_view(),
        name="two_factor.required",
    ),
]
