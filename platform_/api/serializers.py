"""The shapes the API reads and writes. Public shapes carry nothing personal (DESIGN §13): no
people's names or addresses, no unlisted organisation; keyed shapes carry what an officer's
pages show."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accreditation.enums import ApplicationStatus, AwardStatus
from accreditation.models import Application, Award
from charters.enums import OrganisationKind, SignatureAction
from charters.models import CharterVersion, Organisation, Pledge, Principle, Signature
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation
from platform_.exports.enums import ExportStatus
from platform_.exports.models import DataExport


def site_url(context: dict, path: str) -> str:
    """``path`` on the council's own domain (never the request's Host). The domain is looked up
    once per serializer context, not once per row."""
    if "site" not in context:
        context["site"] = context["tenant"].build_url("")
    return context["site"] + path


# --- Public ---------------------------------------------------------------------------------------


class PrincipleSerializer(serializers.ModelSerializer):
    picture_url = serializers.SerializerMethodField()

    class Meta:
        model = Principle
        fields = ["position", "title", "text", "easy_read_text", "picture_url", "picture_alt"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_picture_url(self, principle: Principle) -> str | None:
        if not principle.picture:
            return None
        return site_url(self.context, f"/charter/pictures/{principle.pk}/")


class CharterSerializer(serializers.ModelSerializer):
    """The published charter, with its easy-read words beside the standard ones."""

    principles = PrincipleSerializer(many=True)

    class Meta:
        model = CharterVersion
        fields = [
            "number",
            "title",
            "introduction",
            "easy_read_introduction",
            "co_writers",
            "published_at",
            "principles",
        ]


class PledgeSerializer(serializers.ModelSerializer):
    state = serializers.CharField(help_text="in progress, met or overdue")

    class Meta:
        model = Pledge
        fields = ["text", "target_date", "state"]


class RegisterEntrySerializer(serializers.ModelSerializer):
    """An organisation on the public register (selectors.register_entries)."""

    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    charter_version = serializers.IntegerField(source="current_signature.version.number")
    signed_at = serializers.DateTimeField(source="current_signature.recorded_at")
    charter_status = serializers.CharField(
        source="charter_status_level", allow_null=True, help_text="The level held today, if any."
    )
    charter_status_expires_on = serializers.DateField(allow_null=True)
    pledges = PledgeSerializer(source="current_signature.pledges", many=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "kind",
            "kind_label",
            "town",
            "postcode",
            "area",
            "website",
            "charter_version",
            "signed_at",
            "charter_status",
            "charter_status_expires_on",
            "pledges",
        ]


class PublicAwardSerializer(serializers.ModelSerializer):
    """A released award as its verification page shows it."""

    organisation = serializers.CharField(source="organisation.name")
    level = serializers.CharField(source="level.name")
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "certificate_number",
            "organisation",
            "level",
            "awarded_at",
            "expires_on",
            "status",
            "status_label",
            "revoked_at",
            "revocation_reason",
            "verification_url",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=AwardStatus.choices))
    def get_status(self, award: Award) -> str:
        return award.status_on(self.context.get("today") or timezone.localdate())

    def get_status_label(self, award: Award) -> str:
        return AwardStatus(self.get_status(award)).label

    @extend_schema_field(serializers.URLField())
    def get_verification_url(self, award: Award) -> str:
        return site_url(self.context, f"/verify/{award.verification_code}/")


class RegisterAwardSerializer(PublicAwardSerializer):
    """A released award of an organisation on the register, with its register entry's slug."""

    organisation_slug = serializers.CharField(source="organisation.slug")

    class Meta(PublicAwardSerializer.Meta):
        fields = [*PublicAwardSerializer.Meta.fields, "organisation_slug"]


# --- With a council key ---------------------------------------------------------------------------


class SignatureSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    charter_version = serializers.IntegerField(source="version.number")
    action = serializers.ChoiceField(choices=SignatureAction.choices)
    pledges = PledgeSerializer(many=True)

    class Meta:
        model = Signature
        fields = [
            "id",
            "organisation",
            "charter_version",
            "action",
            "signatory_name",
            "signatory_job_title",
            "commitment",
            "reason",
            "consent_to_publish",
            "recorded_at",
            "pledges",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    listed = serializers.SerializerMethodField(help_text="On the public register.")
    signed_version = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "town",
            "postcode",
            "area",
            "website",
            "school_urn",
            "charity_number",
            "created_at",
            "listed",
            "signed_version",
        ]

    def get_listed(self, organisation: Organisation) -> bool:
        signature = organisation.current_signature
        return bool(
            signature
            and signature.action == SignatureAction.SIGNED
            and signature.consent_to_publish
        )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_signed_version(self, organisation: Organisation) -> int | None:
        signature = organisation.current_signature
        if signature is None or signature.action != SignatureAction.SIGNED:
            return None
        return signature.version.number


class ApplicationSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    round = serializers.CharField(source="round.name")
    level_sought = serializers.CharField(source="level_sought.name", allow_null=True)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Application
        fields = [
            "id",
            "organisation",
            "round",
            "level_sought",
            "status",
            "status_label",
            "created_at",
            "submitted_at",
            "status_changed_at",
        ]


class CouncilAwardSerializer(PublicAwardSerializer):
    """Every award, embargoed ones too, as the officers' pages show them."""

    organisation_slug = serializers.CharField(source="organisation.slug")
    application = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(PublicAwardSerializer.Meta):
        fields = [
            "id",
            *PublicAwardSerializer.Meta.fields,
            "organisation_slug",
            "application",
            "public_from",
            "released_at",
            "superseded_at",
        ]


INVITATION_STATES = ["pending", "accepted", "revoked", "expired"]


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    state = serializers.ChoiceField(choices=INVITATION_STATES, read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "has_lived_experience",
            "state",
            "created_at",
            "expires_at",
            "accepted_at",
        ]
        read_only_fields = ["id", "created_at", "expires_at", "accepted_at"]
        # The service finds an open invitation for the same email and role and renews it.
        extra_kwargs = {"email": {"validators": []}}


class ExportSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ExportStatus.choices, read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataExport
        fields = ["id", "status", "created_at", "finished_at", "expires_at", "download_url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, export: DataExport) -> str | None:
        if export.status != ExportStatus.READY:
            return None
        return site_url(self.context, f"/api/v1/manage/exports/{export.pk}/download/")
