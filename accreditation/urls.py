from django.urls import path, re_path

from accreditation.views import assess, awards, concerns, files, manage, organisation, verify

app_name = "accreditation"

# Verification codes are secrets.token_urlsafe (URL-safe base64); anything else is not a code, and
# a bounded length keeps cache keys short.
CODE = r"[A-Za-z0-9_-]{1,32}"

urlpatterns = [
    # Council officers
    path("manage/accreditation/", manage.AccreditationHubView.as_view(), name="manage.hub"),
    path("manage/accreditation/settings/", manage.SettingsView.as_view(), name="manage.settings"),
    path("manage/accreditation/levels/add/", manage.LevelView.as_view(), name="manage.level.add"),
    path("manage/accreditation/levels/<int:pk>/", manage.LevelView.as_view(), name="manage.level"),
    path(
        "manage/accreditation/criteria/add/",
        manage.CriterionView.as_view(),
        name="manage.criterion.add",
    ),
    path(
        "manage/accreditation/criteria/<int:pk>/",
        manage.CriterionView.as_view(),
        name="manage.criterion",
    ),
    path("manage/accreditation/rounds/add/", manage.RoundView.as_view(), name="manage.round.add"),
    path("manage/accreditation/rounds/<int:pk>/", manage.RoundView.as_view(), name="manage.round"),
    path("manage/applications/", manage.ApplicationListView.as_view(), name="manage.applications"),
    path(
        "manage/applications/<int:pk>/",
        manage.ApplicationManageView.as_view(),
        name="manage.application",
    ),
    path(
        "manage/applications/<int:pk>/assign/",
        manage.AssignAssessorView.as_view(),
        name="manage.application.assign",
    ),
    path(
        "manage/applications/<int:pk>/decide/",
        manage.DecideView.as_view(),
        name="manage.application.decide",
    ),
    path(
        "manage/applications/<int:pk>/award/revoke/",
        manage.RevokeAwardView.as_view(),
        name="manage.application.award.revoke",
    ),
    path(
        "manage/applications/<int:pk>/award/reissue/",
        manage.ReissueAwardView.as_view(),
        name="manage.application.award.reissue",
    ),
    path("manage/concerns/", concerns.ConcernListView.as_view(), name="manage.concerns"),
    path("manage/concerns/<int:pk>/", concerns.ConcernView.as_view(), name="manage.concern"),
    path(
        "manage/concerns/<int:pk>/close/",
        concerns.CloseConcernView.as_view(),
        name="manage.concern.close",
    ),
    path(
        "manage/concerns/<int:pk>/reassess/",
        concerns.ReassessConcernView.as_view(),
        name="manage.concern.reassess",
    ),
    # Public: verifying an award (the certificate's QR code), and raising a concern about it
    path("verify/", verify.LookupView.as_view(), name="verify.lookup"),
    re_path(rf"^verify/(?P<code>{CODE})/$", verify.VerifyView.as_view(), name="verify"),
    re_path(
        rf"^verify/(?P<code>{CODE})/concern/$",
        verify.ConcernView.as_view(),
        name="verify.concern",
    ),
    re_path(
        rf"^verify/(?P<code>{CODE})/concern/sent/$",
        verify.ConcernSentView.as_view(),
        name="verify.concern.sent",
    ),
    # Organisations
    path(
        "org/<slug:slug>/applications/",
        organisation.ApplicationsView.as_view(),
        name="applications",
    ),
    path(
        "org/<slug:slug>/applications/renew/",
        organisation.RenewView.as_view(),
        name="applications.renew",
    ),
    path(
        "org/<slug:slug>/applications/<int:pk>/",
        organisation.ApplicationDetailView.as_view(),
        name="application.detail",
    ),
    path(
        "org/<slug:slug>/applications/<int:pk>/self-assessment/",
        organisation.SelfAssessmentView.as_view(),
        name="application.self_assessment",
    ),
    path(
        "org/<slug:slug>/applications/<int:pk>/evidence/add/",
        organisation.AddEvidenceView.as_view(),
        name="application.evidence.add",
    ),
    path(
        "org/<slug:slug>/applications/<int:pk>/evidence/<int:evidence_pk>/remove/",
        organisation.RemoveEvidenceView.as_view(),
        name="application.evidence.remove",
    ),
    path(
        "org/<slug:slug>/applications/<int:pk>/submit/",
        organisation.SubmitView.as_view(),
        name="application.submit",
    ),
    path(
        "org/<slug:slug>/applications/<int:pk>/respond/",
        organisation.RespondView.as_view(),
        name="application.respond",
    ),
    path(
        "org/<slug:slug>/applications/<int:pk>/withdraw/",
        organisation.WithdrawView.as_view(),
        name="application.withdraw",
    ),
    # An award's documents
    path(
        "org/<slug:slug>/awards/<int:pk>/certificate.pdf",
        awards.CertificatePdfView.as_view(),
        name="award.certificate",
    ),
    path(
        "org/<slug:slug>/awards/<int:pk>/certificate.txt",
        awards.CertificateTextView.as_view(),
        name="award.certificate_text",
    ),
    path(
        "org/<slug:slug>/awards/<int:pk>/credential.json",
        awards.CredentialView.as_view(),
        name="award.credential",
    ),
    # Assessors
    path("assess/", assess.QueueView.as_view(), name="assess.queue"),
    path("assess/<int:pk>/", assess.AssignmentView.as_view(), name="assess.assignment"),
    # Files
    path("evidence/<int:pk>/file/", files.EvidenceFileView.as_view(), name="evidence.file"),
]
