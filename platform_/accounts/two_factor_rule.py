"""Turning the council's rule of two-step sign-in for officers and assessors on and off.

Enforcing it is two_factor.py's; this is the officers' action on the setting.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from platform_.accounts.enums import AccountsEvent
from platform_.accounts.models import User
from platform_.accounts.permissions import require_permission
from platform_.accounts.two_factor import meets_rule
from platform_.audit.services import record_event
from platform_.languages import lazy_interpolate
from platform_.outbox.services import queue_email
from platform_.site_urls import site_url


class OwnTwoFactorMissing(ValidationError):
    """The officer turning the rule on has not set up two-step sign-in themselves."""


@transaction.atomic
def set_staff_two_factor_rule(
    tenant, *, required: bool, acting_user: User, authentication_records=()
):
    """Require (or stop requiring) officers and assessors to use two-step sign-in.

    ``tenant`` is the council (its public ``Tenant`` row); ``authentication_records`` are
    allauth's records of the acting officer's session (a session signed in through the council's
    single sign-on meets the rule, two_factor.py). Turning the rule on is refused
    (OwnTwoFactorMissing) unless the acting officer meets it already, so nobody locks
    themselves out mid-change. Setting it to what it is changes nothing and tells nobody.

    Side effects, in order: ``staff_must_use_2fa`` written (saving the Tenant drops its hosts
    from the tenant cache, tenants/receivers.py, so the next request enforces it); an audit
    event; when turned on, an email to each other active officer and assessor written to the
    outbox (sent after commit; one per person for this change, by its dedup key).
    """
    require_permission(
        acting_user,
        "tenant.manage",
        message=_("Only council officers can change the council's sign-in rules."),
    )
    # The row itself, locked, never the request's cached tenant: two officers saving at once
    # are taken in turn, and the cached object is not changed before the write succeeds.
    tenant = type(tenant).objects.select_for_update().get(pk=tenant.pk)
    if tenant.staff_must_use_2fa == required:
        return tenant
    if required and not meets_rule(acting_user, authentication_records):
        raise OwnTwoFactorMissing(
            _(
                "Set up two-step sign-in for your own account first, then turn this on. "
                "Otherwise you could lock yourself out."
            )
        )
    tenant.staff_must_use_2fa = required
    tenant.save(update_fields=["staff_must_use_2fa"])
    event = record_event(
        AccountsEvent.TWO_FACTOR_REQUIRED if required else AccountsEvent.TWO_FACTOR_NOT_REQUIRED,
        tenant,
        actor=acting_user,
        old={"staff_must_use_2fa": not required},
        new={"staff_must_use_2fa": required},
    )
    if required:
        _tell_staff(tenant, acting_user=acting_user, dedup_key=f"accounts.two_factor:{event.pk}")
    return tenant


def _tell_staff(tenant, *, acting_user: User, dedup_key: str) -> None:
    staff = (
        User.objects.filter(Q(is_council_officer=True) | Q(is_assessor=True), is_active=True)
        .exclude(pk=acting_user.pk)
        .order_by("pk")
    )
    set_up_url = site_url(reverse("accounts:two_factor.required"))
    for person in staff:
        queue_email(
            person.email,
            subject=lazy_interpolate(
                _("%(council)s now asks you to use two-step sign-in"), council=tenant.name
            ),
            template="accounts/email/two_factor_required.txt",
            context={"person": person, "set_up_url": set_up_url},
            dedup_key=dedup_key,
            language=person.language,
        )
