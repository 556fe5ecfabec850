import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import connection, models
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from platform_.accounts.enums import ROLE_FIELDS, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person. Tenant users live in their tenant's schema; platform staff in the public one."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    # One field: many people's names do not split into a first and a last name.
    full_name = models.CharField("full name", max_length=150, blank=True)
    is_council_officer = models.BooleanField(default=False)
    is_assessor = models.BooleanField(default=False)
    # An assessor who brings lived experience of the services being assessed; a tenant may
    # require one in every pair of assessors.
    has_lived_experience = models.BooleanField("lived experience", default=False)
    is_organisation_member = models.BooleanField(default=False)
    # The language the person last chose or signed in with: their emails are written in it,
    # whoever's action sends them (platform_.outbox.services.queue_email).
    language = models.CharField(
        "language", max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.get_full_name()

    @property
    def is_council_staff(self) -> bool:
        """Officers and assessors: the people who see evidence and decide awards, whom a
        council's sign-in rules (its SSO, two-step sign-in) bind. Not Django's ``is_staff``
        (platform staff)."""
        return self.is_council_officer or self.is_assessor

    @property
    def roles(self) -> list[Role]:
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    # On a council's site, roles are flags on the person and `rules` decides (accounts/rules.py);
    # nothing there grants Django's model permissions (no groups, no admin on a council's host).
    # Yet every permission rules refuses (the navigation asks three on every page) fell through
    # to ModelBackend, which read the person's and their groups' permissions: two queries on
    # every signed-in page, always answering "none". Its per-person caches are filled with that
    # answer up front instead. The platform host (public schema) keeps Django's permissions.

    def _no_model_permissions_on_council_sites(self) -> None:
        if not hasattr(self, "_perm_cache") and connection.schema_name != get_public_schema_name():
            self._user_perm_cache = set()
            self._group_perm_cache = set()
            self._perm_cache = set()

    def has_perm(self, perm, obj=None) -> bool:
        self._no_model_permissions_on_council_sites()
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        self._no_model_permissions_on_council_sites()
        return super().has_module_perms(app_label)

    def get_all_permissions(self, obj=None) -> set[str]:
        self._no_model_permissions_on_council_sites()
        return super().get_all_permissions(obj)


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True).filter(
            expires_at__gt=timezone.now()
        )

    def in_state(self, state: str):
        """Invitations whose ``Invitation.state`` is ``state``, filtered in the database."""
        if state == "pending":
            return self.pending()
        if state == "accepted":
            return self.filter(accepted_at__isnull=False)
        if state == "revoked":
            return self.filter(accepted_at__isnull=True, revoked_at__isnull=False)
        if state == "expired":
            return self.filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=timezone.now()
            )
        raise ValueError(f"unknown invitation state {state!r}")


class Invitation(models.Model):
    """An invitation to join a tenant in a role; the email is its only copy of the link."""

    email = models.EmailField()
    role = models.CharField(max_length=32, choices=Role.choices)
    has_lived_experience = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    # Part of the signed link: rotating it voids links already sent.
    nonce = models.CharField(max_length=32, default=_new_nonce)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # The email that carries the link (the latest one, if the invitation was renewed).
    outbox_email = models.ForeignKey(
        "outbox.OutboxEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "role"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email_and_role",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.get_role_display()}"

    @property
    def state(self) -> str:
        """For machines (the API): pending, accepted, revoked or expired."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        sent = self.outbox_email is not None and self.outbox_email.sent_at is not None
        return "Sent" if sent else "Waiting to send"
