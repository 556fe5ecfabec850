"""Signing the charter, withdrawing, and keeping pledges."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charters import public_cache
from charters.enums import CharterEvent, SignatureAction
from charters.events import emit_organisation_signed
from charters.models import Organisation, Pledge, Signature
from charters.selectors import current_version
from charters.services.errors import CharterError
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import after_commit


@transaction.atomic
def sign_charter(
    organisation: Organisation,
    *,
    acting_user,
    signatory_name: str,
    signatory_job_title: str,
    commitment: str,
    consent_to_publish: bool,
    pledges: list[tuple[str, date]] = (),
) -> Signature:
    """Sign the current published version on the organisation's behalf.

    Side effects: an immutable Signature and its pledges; the organisation's current signature;
    an audit event; the ``organisation.signed`` domain event (webhook deliveries recorded);
    the public register's cache dropped.
    """
    require_permission(
        acting_user,
        "charters.sign_charter",
        organisation,
        message=_("Only the organisation's lead can sign the charter."),
    )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    version = current_version()
    if version is None:
        raise CharterError(
            _(
                "The council has not published its charter yet. Come back to sign it once it is "
                "published."
            )
        )
    current = organisation.current_signature
    if current and current.action == SignatureAction.SIGNED and current.version_id == version.pk:
        raise CharterError(
            _(
                "%(organisation)s has already signed version %(number)s. Go back to its page to "
                "see the signature."
            )
            % {"organisation": organisation.name, "number": version.number}
        )
    _check_pledges(pledges)
    signature = Signature.objects.create(
        organisation=organisation,
        version=version,
        action=SignatureAction.SIGNED,
        signatory_name=signatory_name,
        signatory_job_title=signatory_job_title,
        commitment=commitment,
        consent_to_publish=consent_to_publish,
        recorded_by=acting_user,
    )
    Pledge.objects.bulk_create(
        Pledge(signature=signature, text=text, target_date=target) for text, target in pledges
    )
    _set_current_signature(organisation, signature)
    record_event(
        CharterEvent.CHARTER_SIGNED,
        signature,
        actor=acting_user,
        new={"version": version.number, "organisation": organisation.name},
    )
    emit_organisation_signed(signature)
    return signature


@transaction.atomic
def withdraw_signature(organisation: Organisation, *, acting_user, reason: str) -> Signature:
    """Withdraw: a new record, never a deletion. Side effects: the withdrawal record; the
    organisation leaves the register; an audit event."""
    require_permission(
        acting_user,
        "charters.sign_charter",
        organisation,
        message=_("Only the organisation's lead can withdraw its signature."),
    )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require_permission(
        acting_user,
        "charters.withdraw_signature",
        organisation,
        _("%(organisation)s has not signed the charter.") % {"organisation": organisation.name},
        refusal=CharterError,
    )
    current = organisation.current_signature
    withdrawal = Signature.objects.create(
        organisation=organisation,
        version=current.version,
        action=SignatureAction.WITHDRAWN,
        reason=reason,
        recorded_by=acting_user,
    )
    _set_current_signature(organisation, withdrawal)
    record_event(
        CharterEvent.CHARTER_WITHDRAWN,
        withdrawal,
        actor=acting_user,
        old={"version": current.version.number},
    )
    return withdrawal


def _check_pledges(pledges) -> None:
    # The form refuses these too; the service is what every caller goes through.
    if len(pledges) > Signature.MAX_PLEDGES:
        raise CharterError(
            _("You can make up to %(max_pledges)s pledges. Remove some and try again.")
            % {"max_pledges": Signature.MAX_PLEDGES}
        )
    longest = Pledge._meta.get_field("text").max_length
    if any(not text.strip() or len(text) > longest for text, _target in pledges):
        raise CharterError(
            _(
                "Each pledge must be between 1 and %(longest)s characters. Shorten the pledge, or "
                "remove it."
            )
            % {"longest": longest}
        )
    if any(target < timezone.localdate() for _text, target in pledges):
        raise CharterError(
            _("A pledge's target date cannot be in the past. Enter today or a later date.")
        )


def _set_current_signature(organisation: Organisation, signature: Signature) -> None:
    organisation.current_signature = signature
    organisation.save(update_fields=["current_signature"])
    after_commit(public_cache.invalidate)


@transaction.atomic
def record_pledge_met(pledge: Pledge, *, acting_user, met_on: date) -> Pledge:
    """Mark a pledge as met. Side effects: the date recorded; an audit event; cache dropped."""
    require_permission(
        acting_user,
        "charters.update_pledges",
        pledge.signature.organisation,
        message=_("Only the organisation's lead can update its pledges."),
    )
    if met_on > timezone.localdate():
        raise CharterError(
            _("The date a pledge was met cannot be in the future. Enter today or an earlier date.")
        )
    pledge.met_on = met_on
    pledge.save(update_fields=["met_on"])
    record_event(CharterEvent.PLEDGE_MET, pledge, actor=acting_user, new={"met_on": str(met_on)})
    after_commit(public_cache.invalidate)
    return pledge
