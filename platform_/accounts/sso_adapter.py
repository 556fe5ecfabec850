"""How allauth's social sign-in behaves here (SOCIALACCOUNT_ADAPTER): the council's own provider
only, people matched by a verified email only.

Rules (README "Signing in with the council's own accounts"):
- The only provider is the current council's ``SocialApp`` (platform_.accounts.sso), read from
  its schema and only while switched on; nothing from settings files, nothing on the platform host.
- A sign-in whose ``email_verified`` claim is not true is refused before anyone is looked up,
  linked or signed in: an unverified address proves nothing about who is signing in.
- The first SSO sign-in of someone who already has an account here with that (verified) address
  links the two (SOCIALACCOUNT_EMAIL_AUTHENTICATION and _AUTO_CONNECT); allauth then also wipes
  the password of an account whose own address was never verified, so whoever made it cannot
  share it with the address's real owner.
- Someone new may sign up through SSO, as through the sign-up form: an organisation member and
  nothing more. Officers and assessors are always invited; no claim from the provider gives a role.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.db import connection
from django.shortcuts import render
from django.utils import translation

from platform_.accounts.sso import PROVIDER, PROVIDER_ID, decrypt_secret, is_enabled
from platform_.languages import supported


def _claims(sociallogin) -> dict:
    # As allauth's OpenID Connect provider reads them: userinfo first, else the ID token.
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or data


# Microsoft Entra ID's issuers (https://login.microsoftonline.com/<directory id>/v2.0).
ENTRA_ISSUER_PREFIX = "https://login.microsoftonline.com/"


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def email_is_verified(claims: dict, id_token: dict | None = None) -> bool:
    """True only for an ``email_verified`` claim of boolean true (or the string "true" some
    providers send): "false", or anything else, is not verified.

    Entra ID never sends ``email_verified`` for work accounts. In its place, and only when the
    claim is absent, Entra's optional ID-token claim ``xms_edov`` ("email domain owner
    verified": the directory owns the address's domain) counts, read from an ID token that
    Entra itself issued (its ``iss``, checked against the council's issuer when the token was
    decoded). That is Microsoft's own advice for trusting ``email``, and still no unverified
    claim is believed: an Entra token without ``xms_edov`` (the app registration must add it)
    is refused like any other."""
    if "email_verified" in claims:
        return _is_true(claims["email_verified"])
    token = id_token or {}
    return str(token.get("iss", "")).startswith(ENTRA_ISSUER_PREFIX) and _is_true(
        token.get("xms_edov")
    )


class CouncilSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        if connection.schema_name == "public":
            return []
        apps = []
        for app in super().list_apps(request, provider=provider, client_id=client_id):
            ours = app.pk and app.provider == PROVIDER and app.provider_id == PROVIDER_ID
            if ours and is_enabled(app):
                # In memory only: the row keeps the encrypted copy (and is never saved by
                # allauth; SOCIALACCOUNT_STORE_TOKENS is off).
                app.secret = decrypt_secret(app)
                apps.append(app)
        return apps

    def pre_social_login(self, request, sociallogin) -> None:
        claims = _claims(sociallogin)
        verified = email_is_verified(claims, (sociallogin.account.extra_data or {}).get("id_token"))
        # allauth copies the claim as it came, and the string "false" would count as true there.
        for address in sociallogin.email_addresses:
            address.verified = verified
        if not claims.get("email") or not verified:
            self._refuse(request, "accounts/sso/refused.html")
        # Connecting a council account to the signed-in person (allauth's /accounts/3rdparty/)
        # is matching too: only to the account with that same verified address.
        if sociallogin.state.get("process") == AuthProcess.CONNECT and not (
            EmailAddress.objects.filter(
                user_id=request.user.pk, email__iexact=claims["email"], verified=True
            ).exists()
        ):
            self._refuse(request, "accounts/sso/refused_connect.html")

    def _refuse(self, request, template: str) -> None:
        raise ImmediateHttpResponse(render(request, template, status=403))

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # A closed council still lets people sign in through its provider (officers fetch the
        # export), but nobody new joins it then.
        tenant = getattr(request, "tenant", None)
        return bool(getattr(tenant, "accepts_new_people", False)) and super().is_open_for_signup(
            request, sociallogin
        )

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.full_name = (data.get("name") or "")[:150]
        return user

    def save_user(self, request, sociallogin, form=None):
        # Like the sign-up form (TenantAccountAdapter.save_user): an organisation member, in the
        # language they signed up in; never an officer or assessor.
        user = sociallogin.user
        user.is_organisation_member = True
        user.is_council_officer = False
        user.is_assessor = False
        user.language = supported(translation.get_language())
        return super().save_user(request, sociallogin, form=form)
