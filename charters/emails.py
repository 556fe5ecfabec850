"""The emails charters owe people, written to the outbox in the caller's transaction.

A leaf module: services call these helpers; each writes one email per recipient (never one email
to many people) with links that recipient can open.
"""

from __future__ import annotations

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from charters.enums import MembershipRole, MembershipStatus
from charters.models import CharterVersion, Membership, Organisation
from platform_.languages import lazy_interpolate
from platform_.outbox.services import queue_email


def lead_emails(organisation: Organisation) -> list[str]:
    return list(
        organisation.memberships.filter(
            role=MembershipRole.LEAD, status=MembershipStatus.ACTIVE, user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def new_version_to_sign(organisation: Organisation, version: CharterVersion) -> int:
    """Tell an organisation's leads that ``version`` is out; once per version and lead."""
    tenant = connection.tenant
    queued = 0
    for email in lead_emails(organisation):
        queued += bool(
            queue_email(
                email,
                subject=lazy_interpolate(
                    _("%(council)s has updated its co-production charter"), council=tenant.name
                ),
                template="charters/email/resign.txt",
                context={
                    "organisation": organisation,
                    "version": version,
                    "sign_url": tenant.build_url(
                        reverse("charters:org.sign", args=[organisation.slug])
                    ),
                },
                dedup_key=f"charters.resign:{version.pk}:{organisation.pk}",
            )
        )
    return queued


def join_requested(membership: Membership) -> None:
    """Tell each lead that someone asked to join, with the page where they decide."""
    organisation = membership.organisation
    for email in lead_emails(organisation):
        queue_email(
            email,
            subject=lazy_interpolate(
                _("%(person)s asked to join %(organisation)s"),
                person=membership.user,
                organisation=organisation.name,
            ),
            template="charters/email/join_request.txt",
            context={
                "membership": membership,
                "review_url": connection.tenant.build_url(
                    reverse("charters:org.detail", args=[organisation.slug])
                ),
            },
            dedup_key=f"charters.join_request:{membership.pk}",
        )


def member_invited(membership: Membership) -> None:
    """The invitation to join an organisation, once per invited membership."""
    tenant = connection.tenant
    organisation = membership.organisation
    queue_email(
        membership.invited_email,
        subject=lazy_interpolate(
            _("Join %(organisation)s on %(council)s's CoCharter"),
            organisation=organisation.name,
            council=tenant.name,
        ),
        template="charters/email/membership_invitation.txt",
        context={
            "membership": membership,
            "join_url": tenant.build_url(reverse("charters:org.join", args=[organisation.slug])),
            "signup_url": tenant.build_url(reverse("account_signup")),
        },
        dedup_key=f"charters.membership_invitation:{membership.pk}",
    )
