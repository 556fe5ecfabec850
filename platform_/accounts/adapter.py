"""How allauth behaves in a multi-tenant site."""

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import get_ip
from django.db import connection
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from platform_.accounts.sso_enforcement import refuse_non_sso_login
from platform_.languages import supported
from platform_.outbox.services import queue_rendered_email, sender_address
from platform_.site_urls import own_hosts, rebase, site_host


@dataclass(frozen=True)
class OwnSite:
    """Stands in for allauth's ``current_site`` in emails, which is otherwise the request's Host."""

    domain: str
    name: str


class TenantAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People sign up to a council's site; the platform host has staff accounts only.
        tenant = getattr(request, "tenant", None)
        return connection.schema_name != "public" and tenant is not None and not tenant.is_read_only

    def save_user(self, request, user, form, commit=True):
        # Anyone who signs up themselves does so for their organisation; officers and assessors
        # join by invitation.
        user.is_organisation_member = True
        # Their verification email, and every later one, in the language they signed up in.
        user.language = supported(translation.get_language())
        return super().save_user(request, user, form, commit=commit)

    def pre_login(self, request, user, **kwargs):
        response = super().pre_login(request, user, **kwargs)
        if response is None:
            # "Officers and assessors must sign in with the council's accounts".
            response = refuse_non_sso_login(request, user, signal_kwargs=kwargs["signal_kwargs"])
        return response

    def get_from_email(self):
        return sender_address()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails go through the one outbox like every other email (DESIGN §7)."""
        message = self.render_mail(template_prefix, email, {"email": email, **context})
        html_body = next(
            (body for body, mimetype in getattr(message, "alternatives", []) if "html" in mimetype),
            "",
        )
        queue_rendered_email(
            email,
            subject=message.subject,
            body=message.body,
            html_body=html_body,
            from_email=message.from_email,
        )

    def is_safe_url(self, url: str) -> bool:
        # allauth's own check trusts every host in ALLOWED_HOSTS, and ".localhost" (or the
        # platform's domain) there covers every council and subdomains of nobody: ?next= after
        # signing in could lead to another council's look-alike page. Only relative URLs and the
        # current council's own hosts are safe (DESIGN section 13).
        request = allauth_context.request
        return url_has_allowed_host_and_scheme(
            url,
            allowed_hosts=own_hosts(),
            require_https=request is not None and request.is_secure(),
        )

    # --- Throttling failed sign-ins --------------------------------------------------------------

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # The key of the "5 failures in 5 minutes" limit (ACCOUNT_RATE_LIMITS "login_failed").
        # allauth's is the address and the request's Host: anyone who knows an address could lock
        # its owner out, and a new Host port gave fresh attempts. Keyed by address and client
        # instead, an attacker slows only their own client; the per-IP limit still slows one
        # client trying many addresses. Cache keys are tenant-scoped by the key function. A
        # private allauth hook (65.x), so tests/accounts/test_login_throttle.py pins its effect.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{login}:{get_ip(request)}"

    # --- Links in allauth's emails -------------------------------------------------------------
    # allauth builds them with request.build_absolute_uri, i.e. from the Host header, which an
    # attacker chooses: a password-reset link could then send its key to their server. Every link
    # is rebuilt on the site's own domain, scheme and port instead (DESIGN section 7).

    def build_absolute_uri(self, request, location: str) -> str:
        return rebase(location)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return self.build_absolute_uri(
            request, super().get_email_confirmation_url(request, emailconfirmation)
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        return self.build_absolute_uri(self.request, super().get_reset_password_from_key_url(key))

    def render_mail(self, template_prefix, email, context, headers=None):
        # The links allauth puts in the context without a hook of ours (the sign-up and
        # password-reset links in "unknown account" and "account already exists"), and the site's
        # name and domain, are taken from the request too.
        request = allauth_context.request
        context = dict(context)
        if request is not None:
            request_root = request.build_absolute_uri("/")
            for name, value in context.items():
                if isinstance(value, str) and value.startswith(request_root):
                    context[name] = self.build_absolute_uri(request, value)
        tenant = getattr(connection, "tenant", None)
        context["current_site"] = OwnSite(
            domain=site_host(),
            name=tenant.name if connection.schema_name != "public" else "CoCharter",
        )
        # As in every other email: the council, so the sign-off names where to ask.
        context["tenant"] = tenant if connection.schema_name != "public" else None
        return super().render_mail(template_prefix, email, context, headers=headers)
