"""How allauth behaves in a multi-tenant site."""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import connection

from platform_.outbox.services import queue_rendered_email, sender_address


class TenantAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People sign up to a council's site; the platform host has staff accounts only.
        tenant = getattr(request, "tenant", None)
        return connection.schema_name != "public" and tenant is not None and not tenant.is_read_only

    def save_user(self, request, user, form, commit=True):
        # Anyone who signs up themselves does so for their organisation; officers and assessors
        # join by invitation.
        user.is_organisation_member = True
        return super().save_user(request, user, form, commit=commit)

    def get_from_email(self):
        return sender_address()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails go through the one outbox like every other email (DESIGN §7)."""
        tenant = getattr(connection, "tenant", None)
        on_platform = connection.schema_name == "public" or tenant is None
        # Without django.contrib.sites allauth would name the request's Host: name the council.
        site = SimpleNamespace(
            name="CoCharter" if on_platform else tenant.name,
            domain=settings.PLATFORM_DOMAIN if on_platform else tenant.primary_domain,
        )
        message = self.render_mail(
            template_prefix, email, {"email": email, "current_site": site, **context}
        )
        html_body = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if "html" in mimetype
            ),
            "",
        )
        queue_rendered_email(
            email,
            subject=message.subject,
            body=message.body,
            html_body=html_body,
            from_email=message.from_email,
        )
