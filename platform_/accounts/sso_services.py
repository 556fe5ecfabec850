"""Writes to the council's sign-in provider and its "staff must use SSO" rule."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.socialaccount.models import SocialApp
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from platform_.accounts.permissions import require_permission
from platform_.accounts.sso import (
    PROVIDER,
    PROVIDER_ID,
    SSOEvent,
    council_app,
    encrypt_secret,
    is_enabled,
    normalise_issuer,
)
from platform_.audit.services import record_event


class SSOSettingsError(Exception):
    """A change that would lock people out; ``field`` is the form field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SSOSettings:
    issuer: str
    client_id: str
    # Empty: keep the stored one (the form never shows it back).
    client_secret: str
    button_label: str
    enabled: bool
    staff_must_use_sso: bool
    # From the issuer's discovery document, when the form fetched it (the sign-in page's CSP).
    authorization_endpoint: str = ""


def _public_view(app: SocialApp | None) -> dict:
    """What the audit log records of the provider: everything but the secret."""
    if app is None:
        return {}
    return {
        "issuer": app.settings.get("server_url", ""),
        "client_id": app.client_id,
        "button_label": app.name,
        "enabled": bool(app.settings.get("enabled")),
    }


@transaction.atomic
def configure_sso(new: SSOSettings, *, acting_user, signed_in_with_sso: bool) -> SocialApp:
    """Save the council's provider and the staff rule, refusing what would lock people out.

    Refused (SSOSettingsError): requiring SSO while the provider is off or has no secret; and
    turning the requirement on from a session that did not itself sign in through the provider
    (``signed_in_with_sso``), since that is the proof it works for at least the officer doing it.
    Side effects, in order: the SocialApp row written (secret encrypted); the tenant's
    ``staff_must_use_sso`` saved, which drops the tenant from the host cache
    (tenants.receivers); an audit event for each of the two that changed.
    """
    require_permission(
        acting_user, "tenant.manage", message=_("Only council officers can change sign-in.")
    )
    tenant = connection.tenant
    app = council_app()
    old_view = _public_view(app)
    if app is None:
        app = SocialApp(provider=PROVIDER, provider_id=PROVIDER_ID, settings={})
    has_secret = bool(new.client_secret or app.settings.get("secret_encrypted"))
    if new.staff_must_use_sso:
        if not (new.enabled and has_secret):
            raise SSOSettingsError(
                "staff_must_use_sso",
                _("Switch on sign-in with the council's accounts before requiring it."),
            )
        if not tenant.staff_must_use_sso and not signed_in_with_sso:
            raise SSOSettingsError(
                "staff_must_use_sso",
                _(
                    "Sign out, then sign in with the council's account button, before requiring "
                    "it: that shows it works, so nobody is locked out."
                ),
            )
    app.name = new.button_label
    app.client_id = new.client_id
    app.secret = ""
    settings = dict(app.settings)
    # PKCE as well as the secret: Entra ID, Google and other current providers accept it, and
    # a stolen authorisation code is then of no use.
    settings.update(
        server_url=normalise_issuer(new.issuer), enabled=new.enabled, oauth_pkce_enabled=True
    )
    if new.authorization_endpoint:
        settings["authorization_endpoint"] = new.authorization_endpoint
    if new.client_secret:
        settings["secret_encrypted"] = encrypt_secret(new.client_secret)
    app.settings = settings
    app.save()
    new_view = _public_view(app)
    if new.client_secret:
        new_view["client_secret"] = "changed"  # noqa: S105 (a marker: the secret is never logged)
    if new_view != old_view:
        record_event(SSOEvent.SETTINGS_CHANGED, app, actor=acting_user, old=old_view, new=new_view)
    if tenant.staff_must_use_sso != new.staff_must_use_sso:
        old_rule = tenant.staff_must_use_sso
        tenant.staff_must_use_sso = new.staff_must_use_sso
        # The public Tenant row; saving it forgets the cached tenant of every host it has.
        tenant.save(update_fields=["staff_must_use_sso"])
        record_event(
            SSOEvent.REQUIREMENT_CHANGED,
            tenant,
            actor=acting_user,
            old={"staff_must_use_sso": old_rule},
            new={"staff_must_use_sso": new.staff_must_use_sso},
        )
    return app


def provider_ready(app: SocialApp | None) -> bool:
    return is_enabled(app) and bool(app.settings.get("secret_encrypted"))
