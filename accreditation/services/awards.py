"""An award's life after the decision: released at the ceremony, revoked, re-issued after a
correction, reminded before it expires, and renewed with a new application."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import emails
from accreditation.enums import AccreditationEvent, ApplicationStatus
from accreditation.events import emit_award_expired, emit_award_granted, emit_award_revoked
from accreditation.models import Application, Award, Evidence, Round, SelfAssessment
from accreditation.services.applications import start_application
from accreditation.services.certificates import certificate_number
from accreditation.services.documents import queue_award_documents
from accreditation.services.state import AccreditationError
from charters import public_cache
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import after_commit

EXPIRY_REMINDER_DAYS = (90, 30, 7)


@transaction.atomic
def release_due_awards(now: datetime | None = None) -> int:
    """Make public every award whose ceremony time has come (beat, every few minutes).

    Side effects, per award: ``released_at`` set, an audit event, the organisation's leads
    congratulated (outbox); then the public pages' cache bumped once, after commit. An award
    already released is left alone, so running twice changes nothing. Returns how many were
    released.
    """
    now = now or timezone.now()
    # Locked, and skipped if another run (or an officer revoking) holds them: two beats at once
    # release each award once.
    due = (
        Award.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(released_at__isnull=True, public_from__lte=now)
        .filter(revoked_at__isnull=True, superseded_at__isnull=True)
        .select_related("organisation", "level", "application__round")
        .order_by("public_from", "pk")
    )
    released = 0
    for award in due:
        award.released_at = now
        award.save(update_fields=["released_at"])
        record_event(AccreditationEvent.AWARD_RELEASED, award, new={"released_at": now.isoformat()})
        emails.award_released(award)
        queue_award_documents(award)
        emit_award_granted(award)
        released += 1
    if released:
        after_commit(public_cache.invalidate)
    return released


def _require_current(award: Award, acting_user, permission: str) -> None:
    """An officer, and an award neither revoked nor replaced."""
    require_permission(
        acting_user, "accreditation.manage", message=_("Only council officers can do that.")
    )
    # Re-read under a lock: of two officers acting at once, the second sees the first's change.
    list(Award.objects.select_for_update().filter(pk=award.pk).values_list("pk"))
    award.refresh_from_db(fields=["revoked_at", "superseded_at"])
    refusal = (
        "This award has already been revoked."
        if award.revoked_at is not None
        else "This award has been replaced by a re-issued one. Act on the new award."
    )
    require_permission(acting_user, permission, award, refusal, refusal=AccreditationError)


@transaction.atomic
def revoke_award(award: Award, *, acting_user, reason: str) -> Award:
    """Withdraw Charter Status, with a reason the organisation can read.

    Side effects: ``revoked_at``, ``revoked_by`` and the reason; an audit event; the
    organisation's leads emailed (outbox); the public pages' cache bumped after commit.
    """
    _require_current(award, acting_user, "accreditation.revoke_award")
    if not reason.strip():
        raise AccreditationError(_("Give the reason, in words the organisation can read."))
    award.revoked_at = timezone.now()
    award.revoked_by = acting_user
    award.revocation_reason = reason.strip()
    award.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    record_event(
        AccreditationEvent.AWARD_REVOKED,
        award,
        actor=acting_user,
        old={"status": "current"},
        new={"status": "revoked", "reason": award.revocation_reason},
    )
    emails.award_revoked(award)
    if award.released_at is not None:
        # An award revoked before its ceremony was never announced, so nothing is withdrawn.
        emit_award_revoked(award)
    after_commit(public_cache.invalidate)
    return award


@transaction.atomic
def reissue_award(award: Award, *, acting_user, reason: str) -> Award:
    """Issue a corrected award in place of ``award``: a new certificate number and verification
    code, the same organisation, application, level and dates.

    Side effects: the old award superseded (first, so the one-current-award constraint holds),
    the new award created replacing it; an audit event; the public pages' cache bumped after
    commit. Returns the new award.
    """
    _require_current(award, acting_user, "accreditation.reissue_award")
    if not reason.strip():
        raise AccreditationError(_("Say what was corrected."))
    now = timezone.now()
    award.superseded_at = now
    award.save(update_fields=["superseded_at"])
    new = Award.objects.create(
        application_id=award.application_id,
        organisation_id=award.organisation_id,
        level_id=award.level_id,
        certificate_number=certificate_number(timezone.localdate(now).year),
        awarded_at=award.awarded_at,
        expires_on=award.expires_on,
        public_from=award.public_from,
        released_at=award.released_at,
        replaces=award,
        reissue_reason=reason.strip(),
    )
    record_event(
        AccreditationEvent.AWARD_REISSUED,
        new,
        actor=acting_user,
        old={"certificate_number": award.certificate_number},
        new={"certificate_number": new.certificate_number, "reason": new.reissue_reason},
    )
    # The new award's documents; the old ones stay, and verify as superseded. An award still
    # kept for its ceremony gets them when it is released.
    if new.released_at is not None:
        queue_award_documents(new)
    after_commit(public_cache.invalidate)
    return new


@transaction.atomic
def announce_expired_awards(today: date | None = None) -> int:
    """Record, once per award, that Charter Status has ended (beat, daily).

    Expiry needs no write to take effect (``Award.status_on`` compares dates); this records it
    for the audit log and the council's systems. A day beat missed is made up the next day.
    Side effects, per released, current award past its end date: ``expiry_announced_at`` set, an
    audit event, the ``award.expired`` domain event. Returns how many were announced.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    due = (
        Award.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(expiry_announced_at__isnull=True, expires_on__lt=today)
        .filter(released_at__isnull=False, revoked_at__isnull=True, superseded_at__isnull=True)
        .select_related("organisation__current_signature", "level")
        .order_by("expires_on", "pk")
    )
    announced = 0
    for award in due:
        award.expiry_announced_at = now
        award.save(update_fields=["expiry_announced_at"])
        record_event(
            AccreditationEvent.AWARD_EXPIRED,
            award,
            old={"status": "valid"},
            new={"status": "expired", "expires_on": award.expires_on.isoformat()},
        )
        emit_award_expired(award)
        announced += 1
    return announced


def send_expiry_reminders(today: date | None = None) -> int:
    """Email the leads of organisations whose Charter Status expires in 90, 30 or 7 days.

    Each reminder goes once per award (the daily task may run twice), and a day beat missed is
    made up the next day: an award expiring in 85 days whose 90-day reminder never went gets it
    now, saying 85 days. Only released awards that are neither revoked nor replaced are
    reminded. Side effects: outbox emails. Returns the number of awards newly reminded.
    """
    today = today or timezone.localdate()
    due = Award.objects.filter(
        released_at__isnull=False,
        revoked_at__isnull=True,
        superseded_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=max(EXPIRY_REMINDER_DAYS)),
    ).select_related("organisation", "level")
    reminded = 0
    for award in due:
        days_left = (award.expires_on - today).days
        # The nearest reminder that is due: at 7 days left the 30-day one is no longer news.
        threshold = min(days for days in EXPIRY_REMINDER_DAYS if days_left <= days)
        with transaction.atomic():
            queued = emails.expiry_reminder(award, threshold=threshold, days_left=days_left)
        reminded += bool(queued)
    return reminded


@transaction.atomic
def start_renewal(award: Award, *, acting_user, award_round: Round | None = None) -> Application:
    """Start applying again before (or after) Charter Status runs out, from the last application.

    A new draft in an open round (the given one, or the first to close of those the organisation
    has not applied in), against the current
    charter version, with the last application's self-assessment and evidence copied for the
    applicant to confirm or replace: evidence keeps only the criteria that exist in the current
    version, and a file is shared by name, not copied. Side effects: the draft and its copies;
    an audit event (application started). Only the organisation's lead may, and only once the
    award is expiring or expired.
    """
    require_permission(
        acting_user,
        "accreditation.renew_award",
        award,
        _("Only the organisation's lead can start a renewal."),
    )
    require_permission(
        acting_user,
        "accreditation.renew_award_now",
        award,
        _("You can renew when your Charter Status has less than 90 days left, or has expired."),
        refusal=AccreditationError,
    )
    if award_round is None:
        today = timezone.localdate()
        award_round = (
            Round.objects.filter(opens_on__lte=today, closes_on__gte=today)
            .exclude(
                pk__in=Application.objects.filter(organisation=award.organisation)
                .exclude(status=ApplicationStatus.WITHDRAWN)
                .values("round_id")
            )
            .order_by("closes_on", "pk")
            .first()
        )
        if award_round is None:
            raise AccreditationError(
                _(
                    "No round is open for a new application at the moment. Ask your council when "
                    "the next round opens."
                )
            )
    previous = award.application
    application = start_application(
        award.organisation,
        acting_user=acting_user,
        award_round=award_round,
        level_sought=award.level,
    )
    _copy_answers(previous, application, acting_user=acting_user)
    return application


def _copy_answers(previous: Application, application: Application, *, acting_user) -> None:
    principles = {p.pk: p for p in application.version.principles.all()}
    by_position = {p.position: p for p in principles.values()}
    SelfAssessment.objects.bulk_create(
        SelfAssessment(
            application=application,
            # The same principle if the version is unchanged, else the one in its place.
            principle=principles.get(answer.principle_id) or by_position[answer.principle.position],
            rung=answer.rung,
            reason=answer.reason,
        )
        for answer in previous.self_assessments.select_related("principle")
        if answer.principle_id in principles or answer.principle.position in by_position
    )
    for old in previous.evidence.prefetch_related("criteria"):
        criteria = [c for c in old.criteria.all() if c.version_id == application.version_id]
        new = Evidence.objects.create(
            application=application,
            kind=old.kind,
            title=old.title,
            # The stored file, shared: evidence files are never changed in place, and removing
            # evidence deletes its file only when no other evidence names it.
            file=old.file.name,
            original_filename=old.original_filename,
            content_type=old.content_type,
            size=old.size,
            url=old.url,
            account=old.account,
            you_said=old.you_said,
            we_did=old.we_did,
            changed_on=old.changed_on,
            shows_people=old.shows_people,
            consent_confirmed=old.consent_confirmed,
            added_by=acting_user,
        )
        new.criteria.set(criteria)
