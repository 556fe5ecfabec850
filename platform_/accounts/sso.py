"""Signing in with the council's own accounts (OpenID Connect): where the provider is kept, and
how its client secret is stored.

Each council has at most one provider, kept as allauth's ``SocialApp`` row in the council's own
schema (provider ``openid_connect``, provider id ``council``), so one council's provider can never
be looked up on another's site, and nothing about it lives in settings files. Its
``settings`` hold the issuer (``server_url``), whether it is switched on, and the client secret
encrypted; the ``secret`` column stays empty (a Fernet token of a long secret would not fit its
191 characters).

The secret is encrypted with a key derived from SECRET_KEY (and SECRET_KEY_FALLBACKS, so rotating
SECRET_KEY the Django way keeps it readable): a database dump, a backup or a read-only SQL leak
then does not hand out the key to the council's directory. Nothing ever shows it back.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.models import SocialApp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PROVIDER = "openid_connect"
# The same in every council: its callback is /accounts/oidc/council/login/callback/ on the
# council's own host, and the row that says which provider it is lives in the council's schema.
PROVIDER_ID = "council"
WELL_KNOWN = "/.well-known/openid-configuration"
DISCOVERY_TIMEOUT = 5.0
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class SSOEvent(models.TextChoices):
    """Audit event keys for the council's sign-in provider (platform_.audit.services)."""

    SETTINGS_CHANGED = "accounts.sso.settings_changed", _("Sign-in provider changed")
    REQUIREMENT_CHANGED = "accounts.sso.requirement_changed", _("Staff SSO requirement changed")


class DiscoveryError(Exception):
    """The issuer's OpenID configuration could not be read; the message says what to check."""


def council_app() -> SocialApp | None:
    """The current council's provider row, enabled or not (one query)."""
    return SocialApp.objects.filter(provider=PROVIDER, provider_id=PROVIDER_ID).first()


def is_enabled(app: SocialApp | None) -> bool:
    return app is not None and bool(app.settings.get("enabled")) and bool(app.client_id)


def form_action_origin(app: SocialApp | None) -> str:
    """The origin the sign-in button's form ends up at (after our redirect): the provider's
    authorization endpoint, as discovered when the settings were saved, else the issuer's."""
    if not is_enabled(app):
        return ""
    url = app.settings.get("authorization_endpoint") or app.settings.get("server_url", "")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def callback_path() -> str:
    # Built by hand rather than reversed: allauth's URL names exist only where its URLs are
    # included (tenant sites), and this module is also imported on the platform host.
    return f"/accounts/oidc/{PROVIDER_ID}/login/callback/"


# --- The client secret, encrypted at rest -------------------------------------------------------


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    hashlib.sha256(f"cocharter-sso-client-secret:{key}".encode()).digest()
                )
            )
            for key in keys
        ]
    )


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(app: SocialApp) -> str:
    """The client secret in clear, or "" when none is stored or it cannot be read (SECRET_KEY
    changed with no fallback): the provider then refuses the sign-in, and the officer enters the
    secret again."""
    token = app.settings.get("secret_encrypted", "")
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


# --- Checking the issuer at save time -----------------------------------------------------------


def normalise_issuer(url: str) -> str:
    return url.strip().removesuffix(WELL_KNOWN).rstrip("/")


def fetch_openid_configuration(issuer: str) -> dict:
    """The issuer's discovery document, checked; DiscoveryError says what is wrong.

    The server fetches an address an officer typed, so (outside development and tests) only
    https to public addresses: an officer must not be able to make the platform read its own
    internal services.
    """
    issuer = normalise_issuer(issuer)
    parts = urlsplit(issuer)
    allow_local = settings.SSO_ALLOW_LOCAL_ISSUERS
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        raise DiscoveryError(_("Enter an issuer URL that starts with https://"))
    if not parts.hostname:
        raise DiscoveryError(_("Enter an issuer URL, like https://login.microsoftonline.com/…"))
    if not allow_local and not _resolves_to_public_addresses(parts.hostname):
        raise DiscoveryError(_("The issuer URL must be a public internet address."))
    try:
        response = requests.get(
            issuer + WELL_KNOWN, timeout=DISCOVERY_TIMEOUT, allow_redirects=False
        )
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryError(
            _(
                "We could not read the provider's OpenID configuration at %(url)s. Check the "
                "issuer URL."
            )
            % {"url": issuer + WELL_KNOWN}
        ) from error
    if not isinstance(metadata, dict) or any(not metadata.get(key) for key in REQUIRED_METADATA):
        raise DiscoveryError(
            _("The address answered, but not with an OpenID Connect configuration.")
        )
    if normalise_issuer(str(metadata["issuer"])) != issuer:
        raise DiscoveryError(
            _("The provider calls itself %(issuer)s: enter that as the issuer URL.")
            % {"issuer": metadata["issuer"]}
        )
    return metadata


def _resolves_to_public_addresses(hostname: str) -> bool:
    try:
        infos = socket.getaddrinfo(hostname, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


def came_through_council_sso(authentication_records) -> bool:
    """Whether allauth's authentication records of a session include a sign-in through this
    council's provider (the only one a council has; sessions are per council)."""
    return any(
        record.get("method") == "socialaccount" and record.get("provider") == PROVIDER_ID
        for record in authentication_records or ()
    )
