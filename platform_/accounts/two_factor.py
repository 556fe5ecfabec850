"""A council's rule that its officers and assessors use two-step sign-in, enforced.

While ``Tenant.staff_must_use_2fa`` is on, a signed-in officer or assessor who has not set up a
second factor is sent to a page saying why and how (``accounts:two_factor.required``) from every
page but a few (ALLOWED_PATHS): the set-up pages themselves, signing out, the switches. They
reach no officer's or assessor's page, nor any data, until they have set it up.

What meets the rule, in this order:
- a session signed in through the council's own single sign-on (allauth's authentication record
  with method "socialaccount" and the council's provider, ``sso.came_through_council_sso``):
  the council's identity provider owns the factors, and may well ask for its own second one.
  Sessions and SocialApps are per council (its schema, its host), so
  such a record can only come from this council's provider. No query: the session is loaded.
- an active second factor (a TOTP app, or a security key should the council's site ever allow
  them): one EXISTS query on allauth's authenticator table. Recovery codes are a way back in,
  not a factor of their own, and do not count.

Cost: no query at all while the rule is off (the tenant is cached by host, and the person is not
even loaded); one query per request for an officer or assessor while it is on. The tenant is
read from the cache that saving a Tenant clears (tenants/receivers.py), so turning the rule on
takes effect at the next request.

The REST API (``/api/``) is authenticated by API keys, not sessions, and is left alone.
A lower layer than ``tenants``: the tenant is read from the request, never imported.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import connection
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from platform_.accounts.sso import came_through_council_sso

# Authenticators that are a second factor; recovery codes only stand in for a lost one.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
REQUIRED_URL_NAME = "accounts:two_factor.required"

# Where someone who must still set up two-step sign-in may go: the page explaining it, allauth's
# set-up pages (the TOTP activation asks them to confirm their password first, at
# /accounts/reauthenticate/), signing out, and what any page needs or offers (static files,
# branding, the language and easy-read switches, the accessibility statement, the probes).
ALLOWED_PATHS = (
    "/accounts/two-step-sign-in/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/confirm-email/",
    "/language/",
    "/reading-mode/",
    "/accessibility/",
    "/branding.css",
    "/branding/logo",
    "/healthz",
    "/readyz",
    "/favicon.ico",
    settings.STATIC_URL,
    # The REST API: keys, not sessions (platform_.api.authentication).
    "/api/",
)


def rule_applies(tenant) -> bool:
    """Whether the council (the cached tenant of the request) requires two-step sign-in."""
    return bool(getattr(tenant, "staff_must_use_2fa", False))


def is_staff(user) -> bool:
    """Signed-in, active officers and assessors: whom the rule binds."""
    return bool(user.is_authenticated and user.is_active and user.is_council_staff)


def has_second_factor(user) -> bool:
    """One EXISTS query on allauth's authenticator table."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def meets_rule(user, authentication_records=()) -> bool:
    """Whether ``user``, signed in with these records, meets a rule of two-step sign-in."""
    return came_through_council_sso(authentication_records) or has_second_factor(user)


def request_meets_rule(request) -> bool:
    return meets_rule(request.user, get_authentication_records(request, request.user))


class TwoFactorRuleMiddleware:
    """Sends officers and assessors without two-step sign-in to the page explaining it, while
    their council requires it. After authentication (it reads the person) and the tenant."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The cached tenant first: with the rule off, nothing else is read.
        if (
            connection.schema_name != "public"
            and rule_applies(getattr(request, "tenant", None))
            and not request.path.startswith(ALLOWED_PATHS)
            and is_staff(request.user)
            and not request_meets_rule(request)
        ):
            return redirect(REQUIRED_URL_NAME)
        return self.get_response(request)


class TwoFactorAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter (MFA_ADAPTER): while the council requires two-step sign-in, an
    officer or assessor cannot turn off their last second factor. The deactivation form shows
    the message below in its error summary."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your council requires officers and assessors to use two-step sign-in, so you "
            "cannot turn it off. If you need to move it to a new phone, contact a council officer."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if (
            authenticator.type not in SECOND_FACTORS
            or connection.schema_name == "public"
            or not rule_applies(getattr(connection, "tenant", None))
            or not is_staff(user)
        ):
            return super().can_delete_authenticator(authenticator)
        others = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists()
