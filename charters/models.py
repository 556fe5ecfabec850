"""Charters and their versions, organisations, their members, signatures and pledges."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from charters.enums import (
    MembershipRole,
    MembershipStatus,
    OrganisationKind,
    SignatureAction,
    VersionStatus,
)
from charters.validators import (
    name_key,
    normalise_postcode,
    validate_charity_number,
    validate_postcode,
)


class Charter(models.Model):
    """A council's co-production charter. Its words live in versions; one charter per tenant."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        version = self.versions.order_by("-pk").first()
        return version.title if version else "Charter"


class CharterVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)


class CharterVersion(models.Model):
    """The charter's words at one moment. A draft is edited; a published version never changes."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(null=True, blank=True)  # 1, 2 ... once published
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField()
    easy_read_introduction = models.TextField(blank=True)
    # Welsh (optional), entered beside the English; a Welsh page falls back to the English
    # text field by field (platform_.languages.localized).
    title_cy = models.CharField("title (Welsh)", max_length=200, blank=True)
    introduction_cy = models.TextField("introduction (Welsh)", blank=True)
    easy_read_introduction_cy = models.TextField("easy read introduction (Welsh)", blank=True)
    # Who wrote it with the council: people or groups (a parent carer forum, a youth council).
    co_writers = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    MAX_CO_WRITERS = 50
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="one_number_per_version"),
            models.UniqueConstraint(
                fields=["charter"],
                condition=models.Q(status="draft"),
                name="one_draft_per_charter",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", number__isnull=True)
                | models.Q(status="published", number__isnull=False, published_at__isnull=False),
                name="published_versions_are_numbered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})" if self.number else f"{self.title} (draft)"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def has_easy_read(self) -> bool:
        return bool(self.easy_read_introduction) or any(
            principle.easy_read_text for principle in self.principles.all()
        )


def principle_picture_path(principle: "Principle", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "img"
    # The default storage adds the tenant's schema in front of this path.
    return f"charters/pictures/{uuid.uuid4().hex}.{extension}"


class Principle(models.Model):
    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="principles")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    easy_read_text = models.TextField(blank=True)
    picture = models.FileField(upload_to=principle_picture_path, blank=True)
    picture_alt = models.CharField("picture description", max_length=300, blank=True)
    # Welsh (optional), entered beside the English; a Welsh page falls back to the English
    # text field by field (platform_.languages.localized).
    title_cy = models.CharField("title (Welsh)", max_length=200, blank=True)
    text_cy = models.TextField("text (Welsh)", blank=True)
    easy_read_text_cy = models.TextField("easy read text (Welsh)", blank=True)
    picture_alt_cy = models.CharField("picture description (Welsh)", max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"],
                name="one_principle_per_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Organisation(models.Model):
    """A school, GP practice, charity or service that may sign the charter."""

    # What the organisation tells us about itself: the registration form and the officers' CSV.
    DETAIL_FIELDS = [
        "name",
        "kind",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "area",
        "website",
        "school_urn",
        "charity_number",
    ]

    name = models.CharField(max_length=200)
    # Normalised name, for catching duplicates kindly ("St. Mary's" = "st marys").
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    address_line_1 = models.CharField("address line 1", max_length=200)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100)
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    area = models.CharField("area or neighbourhood", max_length=100, blank=True, db_index=True)
    website = models.URLField(blank=True)
    school_urn = models.CharField(
        "school URN",
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", "A school URN is 6 digits, like 104321.")],
    )
    charity_number = models.CharField(
        max_length=10, blank=True, validators=[validate_charity_number]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised from the latest Signature record, kept by charters.services, so the register
    # filters without a subquery per row.
    current_signature = models.OneToOneField(
        "Signature",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # The same organisation registered twice at once (two people, or a double click)
            # would otherwise pass the service's duplicate check twice. Different organisations
            # with one name are fine at different postcodes.
            models.UniqueConstraint(
                fields=["name_key", "postcode"], name="one_organisation_per_name_and_postcode"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        self.postcode = normalise_postcode(self.postcode)
        super().save(*args, **kwargs)

    @property
    def has_signed(self) -> bool:
        signature = self.current_signature
        return signature is not None and signature.action == SignatureAction.SIGNED


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    # For an invitation to someone who may not have an account yet.
    invited_email = models.EmailField(blank=True)
    role = models.CharField(
        max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(max_length=16, choices=MembershipStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "-role", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status__in=["requested", "invited", "active"]),
                name="one_open_membership_per_person",
            ),
            # An invitation names an email, not yet a user: without this, a lead's double click
            # sent two invitations (get_or_create is only race-safe with a constraint behind it).
            models.UniqueConstraint(
                fields=["organisation", "invited_email"],
                condition=models.Q(status="invited"),
                name="one_open_invitation_per_organisation_and_email",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(invited_email=""),
                name="membership_names_someone",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.invited_email
        return f"{who} at {self.organisation} ({self.get_status_display()})"


class Signature(models.Model):
    """An immutable record that an organisation signed a charter version, or withdrew.

    Withdrawing is a new record, never a deletion, so the register's history can be shown.
    """

    # The sign page offers this many pledges; the form and sign_charter both refuse more.
    MAX_PLEDGES = 10

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="signatures")
    action = models.CharField(max_length=16, choices=SignatureAction.choices)
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_job_title = models.CharField(max_length=150, blank=True)
    commitment = models.TextField(blank=True)
    reason = models.TextField(blank=True)  # for a withdrawal
    consent_to_publish = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_action_display().lower()} v{self.version.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Signatures are immutable: record a new one instead.")
        super().save(*args, **kwargs)

    @property
    def pledge_summary(self) -> str:
        """ "3 pledges: 1 met, 1 overdue" from the (prefetched) pledges; empty with none."""
        states = [pledge.state for pledge in self.pledges.all()]
        if not states:
            return ""
        words = {"met": gettext("%(count)d met"), "overdue": gettext("%(count)d overdue")}
        parts = [
            words[s] % {"count": states.count(s)} for s in ("met", "overdue") if states.count(s)
        ]
        total = ngettext("%(count)d pledge", "%(count)d pledges", len(states)) % {
            "count": len(states)
        }
        return total + (f": {', '.join(parts)}" if parts else "")


class Pledge(models.Model):
    """Something an organisation promised when it signed, with a date to do it by."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="pledges")
    text = models.CharField(max_length=300)
    target_date = models.DateField()
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def state(self) -> str:
        if self.met_on:
            return "met"
        return "overdue" if self.target_date < timezone.localdate() else "in progress"
