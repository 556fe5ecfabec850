from django.urls import path

from charters.views import manage, organisation, public

app_name = "charters"

urlpatterns = [
    # Public
    path("charter/", public.CharterView.as_view(), name="charter"),
    path(
        "charter/easy-read/", public.CharterView.as_view(easy_read=True), name="charter.easy_read"
    ),
    # Two fixed addresses, not one taking the mode: nothing to look up, nothing to guess.
    path(
        "reading-mode/easy-read/",
        public.ReadingModeView.as_view(mode="easy-read"),
        name="reading_mode.easy_read",
    ),
    path(
        "reading-mode/standard/",
        public.ReadingModeView.as_view(mode="standard"),
        name="reading_mode.standard",
    ),
    path(
        "charter/pictures/<int:pk>/",
        public.PrinciplePictureView.as_view(),
        name="principle.picture",
    ),
    path("register/", public.RegisterView.as_view(), name="register"),
    path("register.csv", public.RegisterCsvView.as_view(), name="register.csv"),
    path("register.json", public.RegisterJsonView.as_view(), name="register.json"),
    path("register/<slug:slug>/", public.RegisterEntryView.as_view(), name="register.entry"),
    path("badge/<slug:slug>.svg", public.BadgeView.as_view(), name="badge"),
    # Council officers
    path("manage/charter/", manage.CharterOverviewView.as_view(), name="manage.charter"),
    path("manage/charter/draft/start/", manage.StartDraftView.as_view(), name="manage.draft.start"),
    path("manage/charter/draft/", manage.EditDraftView.as_view(), name="manage.draft.edit"),
    path(
        "manage/charter/draft/preview/",
        manage.PreviewDraftView.as_view(),
        name="manage.draft.preview",
    ),
    path(
        "manage/charter/draft/publish/",
        manage.PublishDraftView.as_view(),
        name="manage.draft.publish",
    ),
    path(
        "manage/charter/draft/principles/add/",
        manage.PrincipleFormView.as_view(),
        name="manage.principle.add",
    ),
    path(
        "manage/charter/draft/principles/<int:pk>/",
        manage.PrincipleFormView.as_view(),
        name="manage.principle.edit",
    ),
    path(
        "manage/charter/draft/principles/<int:pk>/remove/",
        manage.RemovePrincipleView.as_view(),
        name="manage.principle.remove",
    ),
    path(
        "manage/charter/draft/principles/<int:pk>/move/",
        manage.MovePrincipleView.as_view(),
        name="manage.principle.move",
    ),
    path(
        "manage/charter/versions/<int:number>/",
        manage.PublishedVersionView.as_view(),
        name="manage.version",
    ),
    path(
        "manage/organisations/", manage.OrganisationListView.as_view(), name="manage.organisations"
    ),
    path(
        "manage/organisations.csv",
        manage.OrganisationsCsvView.as_view(),
        name="manage.organisations.csv",
    ),
    path("manage/signatures.csv", manage.SignaturesCsvView.as_view(), name="manage.signatures.csv"),
    # Organisation members
    path("org/", organisation.OrganisationHubView.as_view(), name="org.hub"),
    path("org/new/", organisation.RegisterOrganisationView.as_view(), name="org.register"),
    path("org/<slug:slug>/", organisation.OrganisationDetailView.as_view(), name="org.detail"),
    path("org/<slug:slug>/join/", organisation.JoinOrganisationView.as_view(), name="org.join"),
    path(
        "org/<slug:slug>/members/invite/",
        organisation.InviteMemberView.as_view(),
        name="org.members.invite",
    ),
    path(
        "org/<slug:slug>/members/<int:pk>/approve/",
        organisation.DecideMembershipView.as_view(approve=True),
        name="org.members.approve",
    ),
    path(
        "org/<slug:slug>/members/<int:pk>/decline/",
        organisation.DecideMembershipView.as_view(approve=False),
        name="org.members.decline",
    ),
    path("org/<slug:slug>/sign/", organisation.SignCharterView.as_view(), name="org.sign"),
    path(
        "org/<slug:slug>/withdraw/",
        organisation.WithdrawSignatureView.as_view(),
        name="org.withdraw",
    ),
    path(
        "org/<slug:slug>/pledges/<int:pk>/met/",
        organisation.PledgeMetView.as_view(),
        name="org.pledge.met",
    ),
]
