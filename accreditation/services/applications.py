"""Organisations apply: start, self-assess, add evidence, submit, respond, withdraw."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accreditation import emails, uploads
from accreditation.enums import AccreditationEvent, ApplicationStatus, EvidenceKind
from accreditation.events import emit_application_submitted
from accreditation.models import (
    Application,
    AwardLevel,
    Criterion,
    Evidence,
    Round,
    SelfAssessment,
)
from accreditation.selectors import missing_criteria
from accreditation.services.setup import settings_for_tenant
from accreditation.services.state import AccreditationError, set_application_state
from charters.models import Organisation
from charters.selectors import current_version
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import after_commit
from platform_.integrity import unique_or_raise


@transaction.atomic
def start_application(
    organisation: Organisation,
    *,
    acting_user,
    award_round: Round,
    level_sought: AwardLevel | None = None,
) -> Application:
    """Start applying in an open round. Only an organisation signed to the current charter may.

    Side effects: a draft application against the current charter version; an audit event.
    """
    require_permission(
        acting_user,
        "accreditation.start_application",
        organisation,
        _("Only the organisation's lead can start an application."),
    )
    version = current_version()
    # Re-read: the caller's copy may predate the signature.
    organisation = Organisation.objects.select_related("current_signature").get(pk=organisation.pk)
    signature = organisation.current_signature
    if (
        version is None
        or signature is None
        or signature.action != "signed"
        or (signature.version_id != version.pk)
    ):
        raise AccreditationError(
            _(
                "%(organisation)s must sign the current charter before applying. Sign it first, "
                "then apply."
            )
            % {"organisation": organisation.name}
        )
    if not award_round.is_open:
        raise AccreditationError(
            _("%(award_round)s is not open for applications. Choose a round that is open.")
            % {"award_round": award_round.name}
        )
    already_applying = AccreditationError(
        _(
            "%(organisation)s already has an application in this round. Open it from the list of "
            "applications, or choose another round."
        )
        % {"organisation": organisation.name}
    )
    if (
        organisation.applications.filter(round=award_round)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        raise already_applying
    # Two clicks at once both pass the check above; the database keeps one live application.
    with unique_or_raise({"one_live_application_per_round": already_applying}):
        application = Application.objects.create(
            organisation=organisation,
            round=award_round,
            version=version,
            level_sought=level_sought,
            created_by=acting_user,
        )
    record_event(AccreditationEvent.APPLICATION_STARTED, application, actor=acting_user)
    return application


def _require_editable(application: Application, acting_user) -> None:
    require_permission(
        acting_user,
        "accreditation.act_for_applicant",
        application,
        _("Only members of the organisation can change its application."),
    )
    require_permission(
        acting_user,
        "accreditation.edit_application",
        application,
        _("This application has been submitted and cannot be changed now."),
        refusal=AccreditationError,
    )


def _require_lead(application: Application, acting_user, *, permission: str, refusal: str) -> None:
    """The lead of the applicant, and the application in a state that allows ``permission``."""
    require_permission(
        acting_user,
        "accreditation.lead_application",
        application,
        _("Only the organisation's lead can do that."),
    )
    require_permission(acting_user, permission, application, refusal, refusal=AccreditationError)


@transaction.atomic
def save_self_assessment(
    application: Application, *, acting_user, answers: dict[int, tuple[str, str]]
) -> None:
    """Record the ladder rung and reason for each principle (keyed by principle id).

    Side effects: self-assessment rows created or updated; an audit event.
    """
    _require_editable(application, acting_user)
    principles = {p.pk: p for p in application.version.principles.all()}
    for principle_id, (rung, reason) in answers.items():
        if principle_id not in principles:
            raise AccreditationError(
                _(
                    "That principle is not part of this charter version. Go back to the "
                    "application and try again."
                )
            )
        # Race-safe as it is: update_or_create updates the row a simultaneous save inserted,
        # as one_rung_per_principle stops a second one.
        SelfAssessment.objects.update_or_create(
            application=application,
            principle_id=principle_id,
            defaults={"rung": rung, "reason": reason},
        )
    record_event(
        AccreditationEvent.SELF_ASSESSMENT_SAVED,
        application,
        actor=acting_user,
        new={str(k): v[0] for k, v in answers.items()},
    )


@transaction.atomic
def add_evidence(
    application: Application,
    *,
    acting_user,
    kind: str,
    title: str,
    criteria: list[Criterion],
    upload=None,
    **details,
) -> Evidence:
    """Add one piece of evidence, mapped to one or more criteria.

    Files are checked by content and size (the tenant's limit) and stored under the tenant's
    prefix with a random name. Evidence that shows children or people who use services needs
    consent confirmed. Side effects: the evidence (and its file); an audit event.
    """
    _require_editable(application, acting_user)
    if not criteria:
        raise AccreditationError(_("Choose at least one criterion this evidence shows."))
    if any(criterion.version_id != application.version_id for criterion in criteria):
        raise AccreditationError(
            _(
                "Those criteria are not part of this application's charter. Choose from the "
                "criteria shown."
            )
        )
    if details.get("shows_people") and not details.get("consent_confirmed"):
        raise AccreditationError(
            _("Confirm that the people shown (or their parents or carers) agreed to it being used.")
        )
    evidence = Evidence(
        application=application, kind=kind, title=title, added_by=acting_user, **details
    )
    if kind == EvidenceKind.FILE:
        if upload is None:
            raise AccreditationError(_("Choose a file to upload."))
        checked = uploads.check_upload(upload, max_mb=settings_for_tenant().max_upload_mb)
        evidence.original_filename = upload.name[:255]
        evidence.content_type = checked.content_type
        evidence.size = upload.size
        evidence.file.save(checked.stored_name, upload, save=False)
    elif kind == EvidenceKind.LINK and not evidence.url:
        raise AccreditationError(_("Enter the address of the web page."))
    elif kind == EvidenceKind.ACCOUNT and not evidence.account.strip():
        raise AccreditationError(_("Write your account of what you did."))
    elif kind == EvidenceKind.YOU_SAID_WE_DID and not (evidence.you_said and evidence.we_did):
        raise AccreditationError(_("Say what people told you and what you changed."))
    evidence.save()
    evidence.criteria.set(criteria)
    record_event(
        AccreditationEvent.EVIDENCE_ADDED,
        evidence,
        actor=acting_user,
        new={"kind": kind, "criteria": [c.pk for c in criteria]},
    )
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, acting_user) -> None:
    """Remove evidence from an application still being written. Side effect: an audit event."""
    _require_editable(evidence.application, acting_user)
    record_event(
        AccreditationEvent.EVIDENCE_REMOVED,
        evidence,
        actor=acting_user,
        old={"title": evidence.title},
    )
    # A renewal shares the earlier application's stored file (start_renewal): delete it only
    # when no other evidence names it.
    if (
        evidence.file
        and not Evidence.objects.filter(file=evidence.file.name).exclude(pk=evidence.pk).exists()
    ):
        # After commit and in this schema: the tenant storage's path follows the schema.
        after_commit(evidence.file.storage.delete, evidence.file.name)
    evidence.delete()


@transaction.atomic
def submit_application(application: Application, *, acting_user) -> Application:
    """Submit, once every required criterion has evidence and every principle a rung.

    Side effects: status submitted; an audit event; the ``application.submitted`` domain event
    (webhook deliveries recorded); the "submitted" emails to the leads and officers (outbox).
    """
    _require_lead(
        application,
        acting_user,
        permission="accreditation.submit_application",
        refusal=_(
            "This application has already been submitted. Wait for the council to email you."
        ),
    )
    missing = missing_criteria(application)
    unassessed = application.version.principles.exclude(
        pk__in=application.self_assessments.values("principle")
    )
    problems = [
        _("Add evidence for “%(criterion)s”") % {"criterion": criterion.title}
        for criterion in missing
    ]
    problems += [
        _("Place yourselves on the ladder for “%(principle)s”") % {"principle": p.title}
        for p in unassessed
    ]
    if problems:
        raise AccreditationError(problems)
    if application.status == ApplicationStatus.DRAFT and not application.round.is_open:
        raise AccreditationError(
            _(
                "%(round)s closed on %(closes_on)s. Withdraw this application and apply in the "
                "next round."
            )
            % {
                "round": application.round.name,
                "closes_on": date_format(application.round.closes_on, "j F Y"),
            }
        )
    set_application_state(application, ApplicationStatus.SUBMITTED, acting_user=acting_user)
    emit_application_submitted(application)
    emails.application_submitted(application)
    return application


@transaction.atomic
def resubmit_application(application: Application, *, acting_user, response: str) -> Application:
    """Answer a request for more information and send the application back to assessment.

    Side effects: the request's response recorded; status in assessment; an audit event; the
    assessors and officers emailed (outbox).
    """
    _require_lead(
        application,
        acting_user,
        permission="accreditation.resubmit_application",
        refusal=(
            _(
                "The council has not asked for more information about this application. Wait for "
                "the council to email you."
            )
        ),
    )
    if not response.strip():
        raise AccreditationError(_("Say what you have changed or added."))
    request = application.info_requests.filter(responded_at__isnull=True).first()
    if request is not None:
        request.response = response
        request.responded_at = timezone.now()
        request.save(update_fields=["response", "responded_at"])
    set_application_state(
        application, ApplicationStatus.IN_ASSESSMENT, acting_user=acting_user, reason=response
    )
    emails.application_resubmitted(application, request)
    return application


@transaction.atomic
def withdraw_application(application: Application, *, acting_user, reason: str = "") -> Application:
    """Withdraw before a decision. Side effects: status withdrawn; an audit event."""
    _require_lead(
        application,
        acting_user,
        permission="accreditation.withdraw_application",
        refusal=(
            _(
                "An application that is %(status)s cannot be withdrawn. Contact the council if "
                "you need to stop it."
            )
            % {"status": application.get_status_display().lower()}
        ),
    )
    return set_application_state(
        application, ApplicationStatus.WITHDRAWN, acting_user=acting_user, reason=reason
    )
