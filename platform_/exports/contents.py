"""What a council's export holds: one table per model of every tenant app, or a reason why not.

Columns are read from each model's fields, so a field added later is exported without anyone
remembering to; only the fields named in ``exclude`` (secrets: password hashes, tokens, keys) are
left out. ``tests/exports/test_contents.py`` fails when a tenant app gains a model that is neither
in ``TABLES`` nor in ``EXCLUDED``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from accreditation.models import (
    AccreditationSettings,
    Application,
    Assignment,
    Award,
    AwardLevel,
    CertificateCounter,
    Concern,
    CouncilKey,
    Criterion,
    Decision,
    Evidence,
    Judgement,
    MoreInfoRequest,
    Round,
    SelfAssessment,
)
from charters.models import (
    Charter,
    CharterVersion,
    Membership,
    Organisation,
    Pledge,
    Principle,
    Signature,
)
from platform_.accounts.models import Invitation, User
from platform_.audit.models import AuditEvent

FILES_FOLDER = "files"


def path_in_export(file: models.fields.files.FieldFile) -> str:
    """Where a stored file sits inside the zip: files/ + its name in the council's folder."""
    return f"{FILES_FOLDER}/{file.name}" if file else ""


@dataclass(frozen=True)
class Table:
    """One kind of data, written as ``<name>.csv`` and ``<name>.json``."""

    name: str
    description: str
    model: type[models.Model] | None = None
    # Fields left out (the reason beside each table).
    exclude: tuple[str, ...] = ()
    # Columns computed from the row, added after the fields.
    extra: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    # For a table that is not one model (the council itself): its rows as dicts.
    rows: Callable[[], Iterable[dict]] | None = None

    def columns(self) -> list[str]:
        if self.rows is not None:
            return list(next(iter(self.rows())).keys())
        names = [_column_name(f) for f in _fields(self.model) if f.name not in self.exclude]
        return names + list(self.extra)

    def records(self) -> Iterator[dict]:
        """Each row as a dict of plain values (text, numbers, booleans, None, lists, dicts)."""
        if self.rows is not None:
            yield from self.rows()
            return
        fields = [f for f in _fields(self.model) if f.name not in self.exclude]
        many = [f.name for f in fields if f.many_to_many]
        queryset = self.model._default_manager.order_by("pk")
        if many:
            queryset = queryset.prefetch_related(*many)
        # In chunks: an audit log of a million rows never sits in memory at once.
        for obj in queryset.iterator(chunk_size=500):
            record = {_column_name(f): _value(obj, f) for f in fields}
            record.update({name: compute(obj) for name, compute in self.extra.items()})
            yield record

    def files(self) -> Iterator[models.fields.files.FieldFile]:
        """The stored files the rows name, to be copied under files/."""
        if self.model is None:
            return
        file_fields = [
            f.name
            for f in _fields(self.model)
            if isinstance(f, models.FileField) and f.name not in self.exclude
        ]
        if not file_fields:
            return
        for obj in self.model._default_manager.order_by("pk").only("pk", *file_fields).iterator():
            for name in file_fields:
                file = getattr(obj, name)
                if file:
                    yield file


def _fields(model: type[models.Model]) -> list[models.Field]:
    # Concrete fields and many-to-many fields declared on the model; reverse relations belong to
    # the other table.
    return [
        f for f in model._meta.get_fields() if f.concrete or (f.many_to_many and not f.auto_created)
    ]


def _column_name(f: models.Field) -> str:
    if f.many_to_many:
        return f"{f.name}_ids"
    return f.attname  # "organisation_id" for a foreign key


def _value(obj: models.Model, f: models.Field) -> Any:
    if f.many_to_many:
        return sorted(related.pk for related in getattr(obj, f.name).all())
    if isinstance(f, models.FileField):
        return path_in_export(getattr(obj, f.name))
    return getattr(obj, f.attname)


def _council() -> Iterable[dict]:
    tenant = connection.tenant
    yield {
        "name": tenant.name,
        "slug": tenant.slug,
        "kind": tenant.kind,
        "status": tenant.status,
        "created_at": tenant.created_at,
        "status_changed_at": tenant.status_changed_at,
        "domains": sorted(tenant.domains.values_list("domain", flat=True)),
        "site": tenant.build_url("/"),
        "brand_colour": tenant.brand_colour,
        "plan": tenant.plan.name if tenant.plan_id else "",
        "exported_at": timezone.now(),
        "data_deleted_after_closing_days": settings.TENANT_CLOSED_RETENTION_DAYS,
    }


def _roles(user: User) -> list[str]:
    return [str(role) for role in user.roles]


def _award_status(award: Award) -> str:
    return award.status


def _verification_page(award: Award) -> str:
    return connection.tenant.build_url(f"/verify/{award.verification_code}/")


TABLES: list[Table] = [
    Table(
        "council",
        "The council itself: name, kind, status, addresses, when it started.",
        rows=_council,
    ),
    Table("charters", "The council's charter (its words are in charter_versions).", Charter),
    Table(
        "charter_versions",
        "Every version of the charter, draft and published: title, introduction and its easy-read"
        " text, who wrote it with the council (co_writers), when and by whom it was published.",
        CharterVersion,
    ),
    Table(
        "principles",
        "The principles of each version, with their easy-read text; picture is the picture's path"
        " in this zip.",
        Principle,
    ),
    Table(
        "organisations",
        "Every organisation registered, listed on the register or not; current_signature_id is"
        " its latest record in signatures.",
        Organisation,
        exclude=("name_key",),  # a normalised copy of the name, for duplicate checks
    ),
    Table(
        "memberships",
        "Who belongs to which organisation (user_id: see people), with role and status,"
        " including invitations and requests to join.",
        Membership,
    ),
    Table(
        "signatures",
        "Every signature and withdrawal, with signatory, commitment, consent to be listed and"
        " who recorded it.",
        Signature,
    ),
    Table("pledges", "Pledges made when signing, with target dates and when met.", Pledge),
    Table(
        "people",
        "Everyone with an account at the council: email, name, roles, when they joined and last"
        " signed in. Passwords are never exported (only a hash is kept, and that is left out).",
        User,
        # Secrets and Django's own permission tables (roles are the flags listed instead).
        exclude=("password", "groups", "user_permissions"),
        extra={"roles": _roles},
    ),
    Table(
        "email_addresses",
        "Each person's email addresses and whether they were verified.",
        EmailAddress,
    ),
    Table(
        "invitations",
        "Invitations to join as officer or assessor, with their status. The secret part of the"
        " link is not exported.",
        Invitation,
        exclude=("nonce", "outbox_email"),  # the link's secret; the email row is not exported
        extra={"invitation_status": lambda invitation: invitation.status},
    ),
    Table(
        "accreditation_settings",
        "How the council runs Charter Status: validity, assessor pairs, upload limit.",
        AccreditationSettings,
    ),
    Table("award_levels", "The award levels (Charter Status, or graded levels).", AwardLevel),
    Table(
        "criteria",
        "The criteria for each charter version and principle, with guidance and easy-read"
        " guidance; levels_ids are the award levels that need each one (none: every level).",
        Criterion,
    ),
    Table("rounds", "Award rounds: dates, ceremony, embargo.", Round),
    Table(
        "applications",
        "Applications for Charter Status: organisation, round, state and its dates.",
        Application,
    ),
    Table(
        "self_assessments",
        "Where each application placed itself on the Ladder of Co-production, per principle.",
        SelfAssessment,
    ),
    Table(
        "evidence",
        "Every piece of evidence: kind, title, written account, link, 'you said, we did', the"
        " criteria it shows (criteria_ids), consent; file is the uploaded file's path in this zip"
        " and original_filename the name it was uploaded with.",
        Evidence,
    ),
    Table(
        "more_info_requests",
        "Requests for more information to applicants, and their responses.",
        MoreInfoRequest,
    ),
    Table(
        "assignments",
        "Assessors assigned to applications: their declarations of conflicts of interest and"
        " their recommendations, with reasons.",
        Assignment,
    ),
    Table("judgements", "Each assessor's judgement of each criterion, with comments.", Judgement),
    Table("decisions", "Decisions on applications, with the reasons sent.", Decision),
    Table(
        "awards",
        "Charter Status awarded: certificate number, level, dates, status today (award_status),"
        " verification code and page, revocations and re-issues; certificate is the signed PDF's"
        " path in this zip, credential the signed Open Badges credential.",
        Award,
        extra={"award_status": _award_status, "verification_page": _verification_page},
    ),
    Table(
        "concerns", "Concerns raised by the public about awards, and how they were closed.", Concern
    ),
    Table(
        "council_key",
        "The council's signing certificate (public), to check the signed certificates. The"
        " private key is not exported.",
        CouncilKey,
        exclude=("encrypted_private_key", "singleton"),
    ),
    Table(
        "certificate_counters",
        "The last certificate number given in each year.",
        CertificateCounter,
    ),
    Table(
        "audit_events",
        "The audit log: every change, who made it, when, and the values before and after.",
        AuditEvent,
    ),
]

# Models of tenant apps that are not exported, each with the reason.
EXCLUDED: dict[str, str] = {
    "contenttypes.ContentType": "Django's internal list of tables, the same in every council",
    "auth.Permission": "Django's internal permissions, the same in every council",
    "auth.Group": "not used: roles are flags on each person (people.roles)",
    "sessions.Session": "signed-in sessions: secrets, and of no use outside the site",
    "admin.LogEntry": "Django admin history; the admin is not used on council sites",
    "outbox.OutboxEmail": "emails already sent: they hold sign-in and invitation links (secrets)",
    "webhooks.WebhookEndpoint": "webhook endpoints: they hold their signing secrets",
    "webhooks.WebhookDelivery": "copies of events the council's own systems received",
    "webhooks.WebhookAttempt": "what the council's own systems answered to each webhook",
    "account.EmailConfirmation": "email verification keys (secrets)",
    "mfa.Authenticator": "two-factor secrets and recovery codes",
    "socialaccount.SocialApp": "the council's sign-in provider: holds its client secret (its"
    " changes, without the secret: audit_events)",
    "socialaccount.SocialAccount": "links to accounts in the council's own directory: identifiers"
    " and claims of that directory, of no use outside the site",
    "socialaccount.SocialToken": "not stored (SOCIALACCOUNT_STORE_TOKENS is off); would hold"
    " access tokens",
    "exports.DataExport": "the exports themselves: their zips hold this very data",
    # platform_.api sits above this package (it calls the export's services), so its models are
    # named here, not imported; their making and revoking are in audit_events.
    "api.ApiKey": "API keys for the council's own systems: hashes of secrets, of no use outside"
    " the site (made and revoked: audit_events)",
    "api.ApiKeyUsage": "daily request counts per API key, of no use outside the site",
}
