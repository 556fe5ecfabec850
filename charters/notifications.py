"""Emails about charters and organisations. Each is sent at most once (recorded in the database).

Called by charters/tasks.py in the tenant's schema.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from charters.enums import MembershipRole, MembershipStatus, SignatureAction
from charters.models import CharterVersion, Membership, Organisation, ResignNotice
from platform_.accounts.adapter import tenant_from_email


def _send(template: str, subject: str, recipients: list[str], **context) -> None:
    tenant = connection.tenant
    body = render_to_string(f"charters/email/{template}.txt", {"tenant": tenant, **context})
    send_mail(subject, body, tenant_from_email(), recipients)


def _lead_emails(organisation: Organisation) -> list[str]:
    return list(
        organisation.memberships.filter(
            role=MembershipRole.LEAD, status=MembershipStatus.ACTIVE
        ).values_list("user__email", flat=True)
    )


def invite_signatories_to_resign(version_id: int) -> int:
    """Tell every organisation signed to an older version that version N is out."""
    version = CharterVersion.objects.get(pk=version_id)
    tenant = connection.tenant
    outdated = Organisation.objects.filter(
        current_signature__action=SignatureAction.SIGNED,
        current_signature__version__number__lt=version.number,
    ).select_related("current_signature__version")
    sent = 0
    for organisation in outdated:
        try:
            with transaction.atomic():
                ResignNotice.objects.create(version=version, organisation=organisation)
                _send(
                    "resign",
                    f"{tenant.name} has updated its co-production charter",
                    _lead_emails(organisation),
                    organisation=organisation,
                    version=version,
                    sign_url=tenant.build_url(
                        reverse("charters:org.sign", args=[organisation.slug])
                    ),
                )
        except IntegrityError:  # told already (the task ran twice)
            continue
        sent += 1
    return sent


def tell_leads_of_join_request(membership_id: int) -> int:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=membership_id)
        )
        if membership.notified_at or membership.status != MembershipStatus.REQUESTED:
            return 0
        organisation = membership.organisation
        _send(
            "join_request",
            f"{membership.user} asked to join {organisation.name}",
            _lead_emails(organisation),
            membership=membership,
            review_url=connection.tenant.build_url(
                reverse("charters:org.detail", args=[organisation.slug])
            ),
        )
        membership.notified_at = timezone.now()
        membership.save(update_fields=["notified_at"])
    return 1


def send_membership_invitation(membership_id: int) -> int:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=membership_id)
        )
        if membership.notified_at or membership.status != MembershipStatus.INVITED:
            return 0
        organisation = membership.organisation
        _send(
            "membership_invitation",
            f"Join {organisation.name} on {connection.tenant.name}'s CoCharter",
            [membership.invited_email],
            membership=membership,
            join_url=connection.tenant.build_url(
                reverse("charters:org.join", args=[organisation.slug])
            ),
            signup_url=connection.tenant.build_url(reverse("account_signup")),
        )
        membership.notified_at = timezone.now()
        membership.save(update_fields=["notified_at"])
    return 1
