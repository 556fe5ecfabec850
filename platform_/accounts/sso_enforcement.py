""" "Officers and assessors must sign in with the council's accounts" (Tenant.staff_must_use_sso).

Two checks, kept apart from the 2FA rule so both can be on at once:
- at sign-in (the account adapter's ``pre_login``): a password (or any other non-SSO) sign-in of
  an officer or assessor is refused, after the password was checked, so the refusal tells nobody
  who is staff;
- on every request (``StaffSSOMiddleware``): a signed-in officer or assessor whose session was not
  authenticated through the council's provider is signed out (a session from before the rule was
  switched on, or from accepting an invitation). allauth keeps how a session authenticated in
  the session itself, so this costs no query.

The rule is read from the cached tenant (tenants.middleware), so it costs nothing while it is off.
"""

from __future__ import annotations

from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.stagekit import clear_login
from django.contrib import messages
from django.contrib.auth import logout
from django.db import connection
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from platform_.accounts.sso import PROVIDER_ID, came_through_council_sso

PASSWORD_REFUSED = _(
    "Council officers and assessors must sign in with the council's own account. Use the "
    "button below, not a password."
)
SESSION_REFUSED = _(
    "Council officers and assessors must sign in with the council's own account. Sign in again "
    "with the button below."
)
# Where a refused session is sent, and the addresses of signing in and out themselves.
EXEMPT_PATHS = ("/accounts/login/", "/accounts/logout/", "/accounts/oidc/", "/static/")


def sso_required(request) -> bool:
    tenant = getattr(request, "tenant", None)
    return connection.schema_name != "public" and bool(getattr(tenant, "staff_must_use_sso", False))


def signed_in_with_sso(request, user) -> bool:
    """Whether this session authenticated ``user`` through the council's provider."""
    return came_through_council_sso(get_authentication_records(request, user))


def refuse_non_sso_login(request, user, *, signal_kwargs: dict | None):
    """For the account adapter's ``pre_login``: a response refusing the sign-in, or None."""
    if not sso_required(request) or not user.is_council_staff:
        return None
    sociallogin = (signal_kwargs or {}).get("sociallogin")
    if sociallogin is not None and sociallogin.account.provider == PROVIDER_ID:
        return None
    clear_login(request)
    messages.error(request, PASSWORD_REFUSED)
    return redirect("account_login")


class StaffSSOMiddleware:
    """Signs out an officer or assessor whose session did not come through the council's SSO."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if sso_required(request) and not request.path.startswith(EXEMPT_PATHS):
            user = request.user
            staff = user.is_authenticated and user.is_council_staff
            if staff and not signed_in_with_sso(request, user):
                logout(request)
                messages.error(request, SESSION_REFUSED)
                return redirect("account_login")
        return self.get_response(request)
