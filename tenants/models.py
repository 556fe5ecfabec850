import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from tenants.branding import validate_brand_colour, validate_logo
from tenants.enums import LifecycleStatus, TenantKind

TEMPLATE_SCHEMA_NAME = "cocharter_template"
# PostgreSQL extensions used by tenant apps live here, on every tenant's search_path
# (PG_EXTRA_SEARCH_PATHS): an extension exists once per database, so it cannot live in each schema.
EXTENSIONS_SCHEMA = "extensions"

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$",
    "Use 3 to 40 lower-case letters, digits and hyphens, starting with a letter.",
)


def platform_storage():
    # Platform files (tenant logos) are read from every schema, so they cannot use the default
    # storage, whose paths follow whichever schema is current.
    return storages["platform"]


def logo_upload_path(tenant: "Tenant", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "img"
    return f"tenants/{tenant.schema_name}/logo-{uuid.uuid4().hex[:12]}.{extension}"


class PlanInterval(models.TextChoices):
    MONTH = "month", "a month"
    YEAR = "year", "a year"


class Plan(models.Model):
    """What a council subscribes to: its price (as shown; Stripe's price is what is charged), its
    limits, and its free trial. Managed by platform staff in the platform admin.

    Lives beside Tenant, not in billing, because the limits decide what a tenant's own pages
    allow (charters and accounts read them), and those apps sit below billing.
    """

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="One or two plain sentences for councils.")
    price_pence = models.PositiveIntegerField(help_text="The price shown, in pence, before VAT.")
    interval = models.CharField(
        max_length=8, choices=PlanInterval.choices, default=PlanInterval.YEAR
    )
    stripe_price_id = models.CharField(
        max_length=100, blank=True, help_text="Stripe's price id (price_...); what is charged."
    )
    max_organisations = models.PositiveIntegerField(
        null=True, blank=True, help_text="Organisations a council may have; empty for no limit."
    )
    max_assessors = models.PositiveIntegerField(
        null=True, blank=True, help_text="Assessors a council may have; empty for no limit."
    )
    trial_days = models.PositiveSmallIntegerField(default=0)
    is_available = models.BooleanField(
        default=True, help_text="Offered on the platform home and at sign up."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page.")

    class Meta:
        ordering = ["position", "price_pence"]

    def __str__(self) -> str:
        return self.name

    def limit(self, name: str) -> int | None:
        """The limit called ``name`` ("organisations", "assessors"); None means no limit."""
        return getattr(self, f"max_{name}")


class TenantQuerySet(models.QuerySet):
    def councils(self):
        """Every real tenant: not the public schema, not the template."""
        return self.exclude(schema_name="public").exclude(status=LifecycleStatus.TEMPLATE)

    def serving(self):
        return self.councils().filter(status__in=LifecycleStatus.serving())


class Tenant(TenantMixin):
    """A council or partnership board: one PostgreSQL schema, its own users, charter and domain."""

    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=40, unique=True, validators=[slug_validator])
    kind = models.CharField(max_length=32, choices=TenantKind.choices, default=TenantKind.COUNCIL)
    status = models.CharField(
        max_length=16, choices=LifecycleStatus.choices, default=LifecycleStatus.TRIAL
    )
    # Shown behind white header text, so it must keep a WCAG AA contrast ratio with white.
    brand_colour = models.CharField(
        max_length=7, default="#1d70b8", validators=[validate_brand_colour]
    )
    logo = models.FileField(
        upload_to=logo_upload_path,
        storage=platform_storage,
        blank=True,
        validators=[validate_logo],
        help_text="PNG or JPEG, up to 1 MB.",
    )
    # Every "contact the council" on its pages and in its emails names this address.
    contact_email = models.EmailField(
        blank=True,
        help_text="Where the public, organisations and assessors can write to the council.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Null for councils made by platform staff without billing: no plan, no limits.
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="tenants"
    )
    # Set when platform staff suspend or close a council by hand: billing (a paid invoice, a
    # renewed subscription) then never opens it again; only staff reactivating lift it.
    staff_hold = models.BooleanField(
        default=False, help_text="Suspended or closed by platform staff; billing cannot reopen it."
    )
    # The council's sign-in rules for its officers and assessors (people who see evidence and
    # decide awards). Read from the cached tenant, so enforcing them costs no query per request.
    staff_must_use_sso = models.BooleanField(
        default=False,
        help_text="Officers and assessors must sign in with the council's own accounts (SSO).",
    )
    staff_must_use_2fa = models.BooleanField(
        default=False,
        help_text="Officers and assessors must use two-factor authentication.",
    )
    # Set when a closed council's schema (and files) were dropped; the row stays as the record,
    # and keeps its slug from being taken by someone else.
    schema_dropped_at = models.DateTimeField(null=True, blank=True)

    # Schemas are cloned from the template by tenants.services.provision_tenant, never migrated
    # from zero on save.
    auto_create_schema = False
    auto_drop_schema = False

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_template(self) -> bool:
        return self.status == LifecycleStatus.TEMPLATE

    @property
    def is_read_only(self) -> bool:
        return self.status in LifecycleStatus.read_only()

    @property
    def accepts_new_people(self) -> bool:
        """Whether new accounts may be made (not while suspended, nor once closed)."""
        return self.status in LifecycleStatus.serving() and not self.is_read_only

    @property
    def data_deletion_due(self):
        """When a closed council's schema and files are dropped (None unless closed)."""
        if self.status != LifecycleStatus.CLOSED or self.status_changed_at is None:
            return None
        return self.status_changed_at + timedelta(days=settings.TENANT_CLOSED_RETENTION_DAYS)

    def plan_limit(self, name: str) -> int | None:
        """The plan's limit called ``name``, or None (no plan, or no limit)."""
        return self.plan.limit(name) if self.plan_id else None

    @property
    def primary_domain(self) -> str:
        domain = self.get_primary_domain()
        return domain.domain if domain else ""

    def build_url(self, path: str = "/") -> str:
        """An absolute URL on this tenant's primary domain, for emails and printed links."""
        return f"{settings.SITE_SCHEME}://{self.primary_domain}{settings.SITE_PORT_SUFFIX}{path}"


class Domain(DomainMixin):
    """A host name that routes to a tenant (``<slug>.<platform domain>`` or the council's own)."""


class TemplateSnapshot(models.Model):
    """The template schema's DDL, captured once per migration state, replayed to provision."""

    fingerprint = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Template snapshot {self.fingerprint[:12]}"


class SpareSchema(models.Model):
    """A council schema cloned ahead of need (``tenants.spares``), waiting to be renamed into a
    new council's. Only handed out while ``fingerprint`` is the template's current one."""

    schema_name = models.CharField(max_length=63, unique=True)
    # tenants.schema_cloning.template_fingerprint() when it was cloned: the migration state.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.schema_name
