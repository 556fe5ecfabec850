"""Writes to tenants: provisioning, the platform's own rows, lifecycle changes."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context

from platform_.accounts.enums import Role
from platform_.accounts.services import invite_person
from platform_.background import after_commit
from platform_.integrity import unique_field_constraint, unique_or_raise
from tenants.enums import LifecycleStatus, TenantKind
from tenants.models import EXTENSIONS_SCHEMA, TEMPLATE_SCHEMA_NAME, Domain, Tenant
from tenants.schema_cloning import (
    SchemaCloneUnavailable,
    clone_template_schema,
    move_template_extensions,
)
from tenants.signals import schema_provisioned

logger = logging.getLogger(__name__)

RESERVED_SLUGS = {"www", "admin", "api", "public", "static", "media", "mail", "template"}


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


def ensure_platform() -> Tenant:
    """Make sure the public tenant (the platform host) and the migrated template schema exist.

    Idempotent; run after every migrate (``manage.py setup_platform``). Side effects: the public
    Tenant row and its Domain (PLATFORM_DOMAIN); the shared schema for PostgreSQL extensions; the
    template schema, migrated from zero the first time only (later migrate_schemas runs keep it
    current, as it is a Tenant row); any extension a migration created in the template moved to
    the shared schema, where every tenant finds it.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {EXTENSIONS_SCHEMA}")
    public, _ = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={
            "name": "CoCharter platform",
            "slug": "platform",
            "status": LifecycleStatus.ACTIVE,
        },
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    template, created = Tenant.objects.get_or_create(
        schema_name=TEMPLATE_SCHEMA_NAME,
        defaults={
            "name": "Template schema",
            "slug": "cocharter-template",
            "status": LifecycleStatus.TEMPLATE,
        },
    )
    if created or not schema_exists(TEMPLATE_SCHEMA_NAME):
        template.create_schema(check_if_exists=True, verbosity=0)
        connection.set_schema_to_public()
    move_template_extensions()
    return public


def provision_tenant(
    *,
    name: str,
    slug: str,
    officer_email: str | None,
    kind: str = TenantKind.COUNCIL,
    brand_colour: str = "#1d70b8",
    status: str = LifecycleStatus.TRIAL,
    contact_email: str | None = None,
) -> Tenant:
    """Create a council's site: schema, domain and the first officer's invitation, in one go.

    Side effects, in order: the Tenant row; its schema, cloned from the template (or migrated if
    no suitable pg_dump is found); the Domain ``<slug>.<PLATFORM_DOMAIN>``; ``schema_provisioned``
    sent, so the apps add their defaults (the charter draft, accreditation settings); the first
    council officer's invitation, whose email is queued on commit. All in one
    transaction: a failure leaves nothing behind. The council's contact email is the first
    officer's unless given, so its pages name a real address from the start.
    """
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"'{slug}' is reserved; choose another."})
    tenant = Tenant(
        schema_name=schema_name_for(slug),
        name=name,
        slug=slug,
        kind=kind,
        brand_colour=brand_colour,
        status=status,
        status_changed_at=timezone.now(),
        contact_email=contact_email if contact_email is not None else (officer_email or ""),
    )
    tenant.full_clean()
    taken = ValidationError({"slug": f"'{slug}' is taken; choose another."})
    if schema_exists(tenant.schema_name):  # left by a council whose row was deleted
        raise taken
    # full_clean saw the slug free; another provisioning at the same moment may take it first.
    # The schema and domain names follow from the slug, so each of their rules means the same.
    slug_taken = {
        unique_field_constraint(Tenant, "slug"): taken,
        unique_field_constraint(Tenant, "schema_name"): taken,
        unique_field_constraint(Domain, "domain"): taken,
    }
    with transaction.atomic():
        with unique_or_raise(slug_taken):
            tenant.save()
        _create_schema(tenant)
        with unique_or_raise(slug_taken):
            Domain.objects.create(
                domain=f"{slug}.{settings.PLATFORM_DOMAIN}", tenant=tenant, is_primary=True
            )
        with tenant_context(tenant):
            schema_provisioned.send(sender=Tenant, tenant=tenant)
            if officer_email:
                invite_person(officer_email, role=Role.COUNCIL_OFFICER, acting_user=None)
    return tenant


def _create_schema(tenant: Tenant) -> None:
    try:
        clone_template_schema(tenant.schema_name)
    except SchemaCloneUnavailable as error:
        # Correct but slower: a fresh migration of every tenant app.
        logger.warning("Cloning unavailable (%s); migrating %s instead", error, tenant.schema_name)
        tenant.create_schema(check_if_exists=False, verbosity=0)
        connection.set_schema_to_public()


def set_tenant_status(tenant: Tenant, new_status: str, *, acting_user) -> Tenant:
    """Move a tenant through its lifecycle.

    Side effects: the status and its time written; the change logged with the actor (platform
    staff, or None for the system) -- not an audit event, as the audit log lives in tenant
    schemas and platform staff in public; the host cache dropped (signals).
    """
    if new_status == LifecycleStatus.TEMPLATE or tenant.is_template:
        raise ValidationError("The template schema's status cannot change.")
    if new_status not in LifecycleStatus.values:
        raise ValidationError(f"Unknown status {new_status!r}.")
    old_status = tenant.status
    tenant.status = new_status
    tenant.status_changed_at = timezone.now()
    tenant.save(update_fields=["status", "status_changed_at"])
    logger.info(
        "Tenant %s status %s -> %s by %s",
        tenant.schema_name,
        old_status,
        new_status,
        getattr(acting_user, "email", None) or "the system",
    )
    return tenant


def update_branding(tenant: Tenant, *, brand_colour: str | None = None, logo=None) -> Tenant:
    """Change a tenant's colour and/or logo, validated (contrast with white; PNG/JPEG, 1 MB).

    Side effects: the new logo file stored under the tenant's prefix in platform storage, the
    old one deleted; the host cache dropped (signals), so pages show the change at once.
    """
    old_logo_name = tenant.logo.name if tenant.logo else ""
    if brand_colour is not None:
        tenant.brand_colour = brand_colour
    if logo is not None:
        tenant.logo = logo
    tenant.full_clean(exclude=["schema_name", "slug", "name"])
    tenant.save(update_fields=["brand_colour", "logo"])
    if logo is not None and old_logo_name and old_logo_name != tenant.logo.name:
        # Only once the new logo is committed: a rolled-back change keeps the old one.
        after_commit(tenant.logo.storage.delete, old_logo_name)
    return tenant


def update_contact_email(tenant: Tenant, *, contact_email: str, acting_user) -> Tenant:
    """Change the address every "contact the council" names, on its pages and in its emails.

    Side effects: the address written; the change logged with the officer (the audit log lives
    in tenant schemas, the row in public, as for ``set_tenant_status``); the host cache dropped
    (signals), so pages name the new address at once.
    """
    tenant.contact_email = contact_email.strip()
    tenant.full_clean(exclude=["schema_name", "slug", "name", "logo"])
    tenant.save(update_fields=["contact_email"])
    logger.info(
        "Tenant %s contact email changed by %s",
        tenant.schema_name,
        getattr(acting_user, "email", None) or "the system",
    )
    return tenant
