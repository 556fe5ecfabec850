"""Writes to tenants: provisioning, the platform's own rows, lifecycle changes."""

from __future__ import annotations

import logging
import os
import shutil
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists, tenant_context

from platform_.accounts.enums import Role
from platform_.accounts.services import invite_person
from platform_.background import after_commit, enqueue_on_commit
from platform_.integrity import unique_field_constraint, unique_or_raise
from tenants import tasks
from tenants.enums import LifecycleStatus, TenantKind
from tenants.middleware import forget_cached_hosts
from tenants.models import (
    EXTENSIONS_SCHEMA,
    TEMPLATE_SCHEMA_NAME,
    Domain,
    Tenant,
    platform_storage,
)
from tenants.schema_cloning import (
    SchemaCloneUnavailable,
    clone_template_schema,
    move_template_extensions,
)
from tenants.signals import schema_provisioned
from tenants.spares import take_spare

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
    public, _created = Tenant.objects.get_or_create(
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

    Side effects, in order: the Tenant row; its schema, a spare renamed (``tenants.spares``; the
    refill task queued on commit), else cloned from the template (or migrated if no suitable
    pg_dump is found); the Domain ``<slug>.<PLATFORM_DOMAIN>``; ``schema_provisioned``
    sent, so the apps add their defaults (the charter draft, accreditation settings); the first
    council officer's invitation, whose email is queued on commit. All in one
    transaction: a failure leaves nothing behind. The council's contact email is the first
    officer's unless given, so its pages name a real address from the start.
    """
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            {"slug": _("'%(slug)s' is reserved; choose another.") % {"slug": slug}}
        )
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
    taken = ValidationError({"slug": _("'%(slug)s' is taken; choose another.") % {"slug": slug}})
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
    if take_spare(tenant.schema_name):
        # Another spare for the next sign up, made off this one's path.
        enqueue_on_commit(tasks.refill_spare_schemas)
        return
    try:
        clone_template_schema(tenant.schema_name)
    except SchemaCloneUnavailable as error:
        # Correct but slower: a fresh migration of every tenant app.
        logger.warning("Cloning unavailable (%s); migrating %s instead", error, tenant.schema_name)
        tenant.create_schema(check_if_exists=False, verbosity=0)
        connection.set_schema_to_public()


def set_tenant_status(
    tenant: Tenant, new_status: str, *, acting_user, staff_hold: bool | None = None
) -> Tenant:
    """Move a tenant through its lifecycle.

    ``staff_hold`` True (staff suspending or closing by hand) keeps billing from reopening the
    council; False (staff reactivating) lifts it; None leaves it as it is (billing's own moves).

    Side effects: the status, its time and the hold written; the change logged with the actor
    (platform staff, or None for the system) -- not an audit event, as the audit log lives in
    tenant schemas and platform staff in public; the host cache dropped (signals).
    """
    if new_status == LifecycleStatus.TEMPLATE or tenant.is_template:
        raise ValidationError("The template schema's status cannot change.")
    if new_status not in LifecycleStatus.values:
        raise ValidationError(f"Unknown status {new_status!r}.")
    if tenant.schema_dropped_at is not None:
        raise ValidationError(_("This council's data has been deleted; its status cannot change."))
    old_status = tenant.status
    tenant.status = new_status
    tenant.status_changed_at = timezone.now()
    if staff_hold is not None:
        tenant.staff_hold = staff_hold
    tenant.save(update_fields=["status", "status_changed_at", "staff_hold"])
    logger.info(
        "Tenant %s status %s -> %s by %s%s",
        tenant.schema_name,
        old_status,
        new_status,
        getattr(acting_user, "email", None) or "the system",
        " (held by staff)" if tenant.staff_hold else "",
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


def drop_tenant_schema(tenant: Tenant, *, acting_user, force: bool = False) -> bool:
    """Delete a closed council's data for good: its schema, its files and its host names.

    Only for a CLOSED council, and only once it has been closed for TENANT_CLOSED_RETENTION_DAYS
    (the time its officers have to download the export), unless platform staff force it sooner.
    The Tenant row stays, with ``schema_dropped_at`` set: the record that the council was here,
    and its slug stays taken. Returns False (and does nothing) if it was dropped already.

    Side effects, in order: ``DROP SCHEMA ... CASCADE``; the Domain rows deleted, so its hosts
    stop resolving (and are forgotten by the host cache); the logo cleared and
    ``schema_dropped_at`` written; logged with the actor; after commit, the council's media
    folder and its platform-storage folder (the logo) deleted.
    """
    if tenant.is_template or tenant.schema_name in ("public", EXTENSIONS_SCHEMA):
        raise ValidationError("Only a council's schema can be dropped.")
    if tenant.schema_dropped_at is not None:
        return False
    if tenant.status != LifecycleStatus.CLOSED:
        raise ValidationError(_("Only a closed council's data can be deleted."))
    due = tenant.data_deletion_due
    if force:
        if acting_user is None or not (acting_user.is_active and acting_user.is_staff):
            raise PermissionDenied(_("Only platform staff can delete a council's data early."))
    elif due is None or due > timezone.now():
        raise ValidationError(
            _(
                "%(tenant)s's officers can download its data until %(due)s; it is deleted after "
                "that."
            )
            % {"tenant": tenant.name, "due": date_format(due, "d F Y")}
        )
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.schema_dropped_at is not None:
            return False  # dropped by someone else since we looked
        schema_name = locked.schema_name
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema_name)} CASCADE"
            )
        hosts = list(locked.domains.values_list("domain", flat=True))
        locked.domains.all().delete()  # each delete tells the host cache (tenants/receivers.py)
        logo_name = locked.logo.name
        locked.logo = ""
        locked.schema_dropped_at = timezone.now()
        locked.save(update_fields=["logo", "schema_dropped_at"])
        after_commit(forget_cached_hosts, hosts)
        after_commit(_delete_tenant_files, schema_name, logo_name)
    logger.warning(
        "Tenant %s (%s) dropped: schema, files and hosts %s deleted by %s%s",
        schema_name,
        locked.name,
        ", ".join(hosts),
        getattr(acting_user, "email", None) or "the system",
        " (forced before the end of retention)" if force and due and due > timezone.now() else "",
    )
    tenant.schema_dropped_at, tenant.logo = locked.schema_dropped_at, locked.logo
    return True


def _delete_tenant_files(schema_name: str, logo_name: str) -> None:
    """The council's media folder (MEDIA_ROOT/<schema>/) and its folder in platform storage."""
    with schema_context(schema_name):  # the tenant storage's location follows the schema name
        media = default_storage.location
    if os.path.basename(os.path.normpath(media)) == schema_name and os.path.isdir(media):
        shutil.rmtree(media, ignore_errors=True)
    storage = platform_storage()
    if logo_name:
        storage.delete(logo_name)
    folder = storage.path(f"tenants/{schema_name}")
    if os.path.isdir(folder):
        shutil.rmtree(folder, ignore_errors=True)


def drop_closed_tenants() -> list[str]:
    """Drop every closed council past its retention; run daily by beat. Returns their schemas.

    One failure is logged and does not stop the others; a second run finds nothing to do.
    """
    cutoff = timezone.now() - timedelta(days=settings.TENANT_CLOSED_RETENTION_DAYS)
    due = Tenant.objects.councils().filter(
        status=LifecycleStatus.CLOSED, schema_dropped_at=None, status_changed_at__lte=cutoff
    )
    dropped = []
    for tenant in due:
        try:
            if drop_tenant_schema(tenant, acting_user=None):
                dropped.append(tenant.schema_name)
        except Exception:
            logger.exception("Could not drop closed tenant %s", tenant.schema_name)
    return dropped


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
