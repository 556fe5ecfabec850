"""How allauth behaves in a multi-tenant site."""

from email.utils import formataddr, parseaddr

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import connection


def tenant_from_email() -> str:
    """'<Council> via CoCharter <no-reply@...>' on a tenant site, so people see who writes."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return settings.DEFAULT_FROM_EMAIL
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{tenant.name} via CoCharter", address))


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
        return tenant_from_email()
