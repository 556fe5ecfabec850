from django.urls import path

from accreditation.views import assess, awards, files, manage, organisation

app_name = "accreditation"

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
    # Organisations
    path(
        "org/<slug:slug>/applications/",
        organisation.ApplicationsView.as_view(),
        name="applications",
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
