"""Criteria, award levels and rounds; applications, evidence, assessment, decisions and awards.

No workflow here: every change of an application's status goes through
accreditation.services.set_application_state.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.enums import (
    ApplicationStatus,
    AwardStatus,
    ConcernStatus,
    DecisionOutcome,
    EvidenceKind,
    JudgementOutcome,
    LadderRung,
    Recommendation,
)
from charters.models import CharterVersion, Organisation, Principle


class AccreditationSettings(models.Model):
    """How this council runs Charter Status. One row per tenant."""

    validity_years = models.PositiveSmallIntegerField("how many years an award lasts", default=3)
    requires_pair = models.BooleanField("each application needs two assessors", default=False)
    requires_lived_experience = models.BooleanField(
        "one assessor in each pair brings lived experience", default=False
    )
    max_upload_mb = models.PositiveSmallIntegerField("largest file, in MB", default=20)
    assessor_capacity = models.PositiveSmallIntegerField(
        "most open assessments an assessor holds at once", default=5
    )

    class Meta:
        verbose_name_plural = "accreditation settings"
        constraints = [
            # One row per tenant: an index on a constant admits a single row, so two first
            # requests at once cannot both create the settings.
            models.UniqueConstraint(models.Value(True), name="one_accreditation_settings_row"),
        ]

    def __str__(self) -> str:
        return "Accreditation settings"


class AwardLevel(models.Model):
    """ "Charter Status", or graded levels such as Bronze, Silver and Gold."""

    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """What an organisation must show for a principle of a charter version."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="criteria")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    guidance = models.TextField()
    good_evidence = models.TextField("examples of good evidence", blank=True)
    easy_read_guidance = models.TextField(blank=True)
    # Welsh (optional), entered beside the English; a Welsh page falls back to the English
    # text field by field (platform_.languages.localized).
    title_cy = models.CharField("title (Welsh)", max_length=200, blank=True)
    guidance_cy = models.TextField("guidance (Welsh)", blank=True)
    good_evidence_cy = models.TextField("examples of good evidence (Welsh)", blank=True)
    easy_read_guidance_cy = models.TextField("easy read guidance (Welsh)", blank=True)
    required = models.BooleanField(default=True)
    # The levels that need this criterion met; none means every level.
    levels = models.ManyToManyField(AwardLevel, blank=True, related_name="criteria")

    class Meta:
        ordering = ["principle__position", "position", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.title


class Round(models.Model):
    """An award round, e.g. "Co-production Week 2027", with its deadline and ceremony."""

    name = models.CharField(max_length=120)
    opens_on = models.DateField()
    closes_on = models.DateField()
    ceremony_at = models.DateTimeField(null=True, blank=True)
    embargoed_until_ceremony = models.BooleanField(
        "keep awards private until the ceremony", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.opens_on <= timezone.localdate() <= self.closes_on


class Application(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="+")
    level_sought = models.ForeignKey(
        AwardLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "round"],
                condition=~models.Q(status="withdrawn"),
                name="one_live_application_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}, {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.status in ApplicationStatus.editable_by_applicant()

    @property
    def status_label(self) -> str:
        """What get_status_display says, for lists: Django's builds a dict of every choice on
        each call, hashing (so translating) each label: a tenth of the officers' list's time."""
        try:
            return str(ApplicationStatus(self.status).label)
        except ValueError:
            return self.status


class SelfAssessment(models.Model):
    """Where the organisation places itself on the Ladder of Co-production for a principle."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="self_assessments"
    )
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    rung = models.CharField(max_length=20, choices=LadderRung.choices)
    reason = models.CharField("why", max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "principle"], name="one_rung_per_principle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.principle}: {self.get_rung_display()}"


def evidence_path(evidence: "Evidence", filename: str) -> str:
    # The default storage puts the tenant's schema in front. ``filename`` is the random name
    # accreditation.uploads chose (uuid + the extension of the type it found), never the
    # uploader's.
    return f"evidence/{evidence.application_id}/{filename}"


class Evidence(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    criteria = models.ManyToManyField(Criterion, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=evidence_path, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(blank=True, max_length=500)
    account = models.TextField("written account", blank=True)
    you_said = models.TextField(blank=True)
    we_did = models.TextField(blank=True)
    changed_on = models.DateField(null=True, blank=True)
    shows_people = models.BooleanField(default=False)
    consent_confirmed = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shows_people=False) | models.Q(consent_confirmed=True),
                name="people_shown_need_consent",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MoreInfoRequest(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="info_requests"
    )
    message = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"More information for {self.application}"


class Assignment(models.Model):
    """An assessor's part in one application: conflict declaration, judgements, recommendation."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    conflict_declared_at = models.DateTimeField(null=True, blank=True)
    has_conflict = models.BooleanField(default=False)
    conflict_details = models.TextField(blank=True)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True)
    recommendation_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"], name="one_assignment_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} assessing {self.application}"

    @property
    def may_open_evidence(self) -> bool:
        return self.conflict_declared_at is not None and not self.has_conflict


class Judgement(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="judgements")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=JudgementOutcome.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="one_judgement_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.get_outcome_display()}"


class Decision(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    level = models.ForeignKey(
        AwardLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for {self.application}"

    @property
    def in_words(self) -> str:
        """What was decided, saying the level once: "Awarded Charter Status" where the only
        level is called Charter Status, "Awarded Charter Status: Gold" where levels are graded.
        (The outcome's label is the officer's button, "Award Charter Status".)"""
        if self.outcome == DecisionOutcome.AWARD:
            level = self.level.name if self.level else ""
            if not level or "charter status" in level.lower():
                return _("Awarded %(level)s") % {"level": level or _("Charter Status")}
            return _("Awarded Charter Status: %(level)s") % {"level": level}
        if self.outcome == DecisionOutcome.NOT_YET:
            return _("Not awarded yet")
        return _("More information asked for")


def _verification_code() -> str:
    return secrets.token_urlsafe(12)


def certificate_upload_path(award: "Award", filename: str) -> str:
    # The default storage puts every path under the tenant's own folder (<schema>/...).
    return f"certificates/{award.certificate_number}-{secrets.token_hex(6)}.pdf"


class Award(models.Model):
    """Charter Status held by an organisation, with a certificate number and a code to verify.

    A correction re-issues the award: a new row with a new number and code ``replaces`` the old
    one, which is marked superseded (its code still verifies, as superseded). What the public may
    see is decided by ``status_on`` (valid, expiring, expired, revoked, superseded) and, before a
    ceremony, by ``released_at``.
    """

    EXPIRING_WITHIN_DAYS = 90

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="awards")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards")
    level = models.ForeignKey(AwardLevel, on_delete=models.PROTECT, related_name="awards")
    certificate_number = models.CharField(max_length=40, unique=True)
    verification_code = models.CharField(max_length=32, unique=True, default=_verification_code)
    awarded_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField()
    # The ceremony time, in an embargoed round: until the award is released, only the
    # organisation and officers see it.
    public_from = models.DateTimeField(default=timezone.now)
    # Set when the award became public: at the decision, or by the ceremony release (beat).
    released_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    reissue_reason = models.TextField(blank=True)
    # When the daily expiry run recorded that this award's Charter Status ended (audit event and
    # the ``award.expired`` domain event), so it is announced once.
    expiry_announced_at = models.DateTimeField(null=True, blank=True)
    # The signed PDF (tenant storage, served only through a permission check) and the signed
    # Open Badges credential, made by a task once the award is released.
    certificate = models.FileField(upload_to=certificate_upload_path, blank=True)
    credential = models.JSONField(null=True, blank=True)
    certificate_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_award_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_number} {self.organisation}"

    def status_on(self, day) -> str:
        """The award's status on ``day`` (an AwardStatus value)."""
        if self.revoked_at is not None:
            return AwardStatus.REVOKED
        if self.superseded_at is not None:
            return AwardStatus.SUPERSEDED
        if self.released_at is None:
            return AwardStatus.EMBARGOED
        if self.expires_on < day:
            return AwardStatus.EXPIRED
        if (self.expires_on - day).days <= self.EXPIRING_WITHIN_DAYS:
            return AwardStatus.EXPIRING
        return AwardStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return AwardStatus(self.status).label

    @property
    def is_held(self) -> bool:
        """The organisation holds Charter Status through this award today."""
        return self.status in AwardStatus.holding()


class Concern(models.Model):
    """Something a member of the public told the council about an award, from its verification
    page. The person need not give an email, so nothing here identifies them unless they chose to.
    """

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="concerns")
    details = models.TextField()
    contact_email = models.EmailField(blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["status", "raised_at"], name="concern_status_raised")]

    def __str__(self) -> str:
        return f"Concern about {self.award.certificate_number}"

    @property
    def is_open(self) -> bool:
        return self.status == ConcernStatus.OPEN


class CouncilKey(models.Model):
    """The council's signing key (EC P-256) and its self-signed certificate.

    One row per council, made at provisioning; the private key is stored encrypted with the
    platform's key-encryption key (settings.CERTIFICATE_KEY_ENCRYPTION_KEY), so a copy of the
    database alone cannot sign. Read only through ``accreditation.keys``.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    encrypted_private_key = models.BinaryField()
    certificate_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "Council signing key"


class CertificateCounter(models.Model):
    """The last certificate number given in a year, in this council (its schema).

    Taken with one locking upsert (``accreditation.services.certificates``), so two awards made
    at the same moment get consecutive numbers instead of the same one.
    """

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
