"""factory_boy factories that build valid objects and nothing surprising.

Call them inside the tenant's context (``tenant_context``): rows land in the current schema.
They write rows directly, with none of a service's side effects (audit events, emails), so a
test that needs "a submitted application" gets one without running the workflow that leads there.
Tests of the workflow itself call the services.
"""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from accreditation.enums import ApplicationStatus, EvidenceKind
from accreditation.models import (
    Application,
    Assignment,
    Award,
    AwardLevel,
    Criterion,
    Evidence,
    Round,
    SelfAssessment,
)
from charters import public_cache
from charters.enums import MembershipRole, MembershipStatus, SignatureAction, VersionStatus
from charters.models import (
    Charter,
    CharterVersion,
    Membership,
    Organisation,
    Pledge,
    Principle,
    Signature,
)
from platform_.accounts.models import User
from tenants.models import Plan

PDF = b"%PDF-1.7\n" + b"0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


# --- Charters ---------------------------------------------------------------------------------


class CharterVersionFactory(factory.django.DjangoModelFactory):
    """A published version of the tenant's one charter (provisioning creates the charter)."""

    class Meta:
        model = CharterVersion

    charter = factory.LazyFunction(lambda: Charter.objects.order_by("pk").first())
    status = VersionStatus.PUBLISHED
    number = factory.LazyAttribute(
        lambda o: (
            (o.charter.versions.published().order_by("-number").first() or _NoVersion).number + 1
        )
    )
    title = factory.Sequence(lambda n: f"Charter {n}")
    introduction = "What we promise."
    published_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        version = super()._create(model_class, *args, **kwargs)
        public_cache.invalidate()  # as publishing does: the public pages show the new version
        return version


class _NoVersion:
    number = 0


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    version = factory.SubFactory(CharterVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Principle {n}")
    text = "We share power."

    class Params:
        with_picture = factory.Trait(
            picture=factory.django.FileField(filename="picture.png", data=PNG),
            picture_alt="People around a table",
        )


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An organisation; ``lead=user`` also makes that person its active lead."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"School {n:03d}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = "school"
    address_line_1 = "1 Oak Lane"
    town = "Alphaton"
    postcode = "WV1 1RE"
    area = "Northside"

    @factory.post_generation
    def lead(self, create, extracted, **kwargs):
        if create and extracted is not None:
            MembershipFactory(organisation=self, user=extracted, role=MembershipRole.LEAD)


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active membership; the person is marked an organisation member, as joining does."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER
    status = MembershipStatus.ACTIVE
    decided_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        membership = super()._create(model_class, *args, **kwargs)
        user = membership.user
        if membership.status == MembershipStatus.ACTIVE and not user.is_organisation_member:
            user.is_organisation_member = True
            user.save(update_fields=["is_organisation_member"])
        return membership


class SignatureFactory(factory.django.DjangoModelFactory):
    """A signature of the current version that becomes the organisation's current one."""

    class Meta:
        model = Signature

    organisation = factory.SubFactory(OrganisationFactory)
    version = factory.LazyFunction(lambda: CharterVersion.objects.published().first())
    action = SignatureAction.SIGNED
    signatory_name = "Pat Head"
    signatory_job_title = "Headteacher"
    commitment = "We will listen and act."
    consent_to_publish = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        signature = super()._create(model_class, *args, **kwargs)
        organisation = signature.organisation
        organisation.current_signature = signature
        organisation.save(update_fields=["current_signature"])
        public_cache.invalidate()  # as signing does: the register shows the signature
        return signature


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    signature = factory.SubFactory(SignatureFactory)
    text = factory.Sequence(lambda n: f"Pledge {n}")
    target_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


# --- Accreditation ----------------------------------------------------------------------------


class AwardLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardLevel
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Level {n}")
    position = factory.Sequence(lambda n: n + 1)


class CriterionFactory(factory.django.DjangoModelFactory):
    """A criterion on a principle of ``version`` (the current published one by default)."""

    class Meta:
        model = Criterion

    version = factory.LazyFunction(lambda: CharterVersion.objects.published().first())
    principle = factory.LazyAttribute(lambda o: o.version.principles.order_by("position").first())
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "Show us how."
    required = True


class RoundFactory(factory.django.DjangoModelFactory):
    """An award round open today."""

    class Meta:
        model = Round

    name = "Co-production Week 2027"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application in ``status`` (draft by default), with the dates that state implies."""

    class Meta:
        model = Application

    organisation = factory.SubFactory(OrganisationFactory)
    round = factory.SubFactory(RoundFactory)
    version = factory.LazyFunction(lambda: CharterVersion.objects.published().first())
    status = ApplicationStatus.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == ApplicationStatus.DRAFT else timezone.now()
    )


class SelfAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfAssessment

    application = factory.SubFactory(ApplicationFactory)
    principle = factory.LazyAttribute(lambda o: o.application.version.principles.first())
    rung = "co_design"
    reason = "Parents helped design it"


class EvidenceFactory(factory.django.DjangoModelFactory):
    """A written account by default; ``EvidenceFactory(criteria=[...])`` maps it to criteria.

    Traits: ``link`` and ``upload`` (a small PDF stored under the tenant's prefix; delete it
    with ``evidence.file.delete(save=False)`` when the test ends).
    """

    class Meta:
        model = Evidence
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    kind = EvidenceKind.ACCOUNT
    title = factory.Sequence(lambda n: f"Evidence {n}")
    account = "We planned it with parents."

    class Params:
        link = factory.Trait(kind=EvidenceKind.LINK, account="", url="https://example.test/a")
        upload = factory.Trait(
            kind=EvidenceKind.FILE,
            account="",
            file=factory.LazyFunction(lambda: ContentFile(PDF, name="stored.pdf")),
            original_filename="minutes.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if create and extracted:
            self.criteria.set(extracted)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assessor assigned to an application; traits ``cleared`` (declared no conflict) and
    ``conflicted`` (declared a conflict)."""

    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.IN_ASSESSMENT)
    assessor = factory.SubFactory(UserFactory, is_assessor=True)

    class Params:
        cleared = factory.Trait(conflict_declared_at=factory.LazyFunction(timezone.now))
        conflicted = factory.Trait(
            conflict_declared_at=factory.LazyFunction(timezone.now),
            has_conflict=True,
            conflict_details="My child goes there",
        )


class AwardFactory(factory.django.DjangoModelFactory):
    """A released award, valid for three more years, on an awarded application.

    ``AwardFactory(application=...)`` awards that application; ``released_at=None`` with a
    future ``public_from`` is an award kept for its ceremony.
    """

    class Meta:
        model = Award

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.AWARDED)
    organisation = factory.LazyAttribute(lambda o: o.application.organisation)
    level = factory.SubFactory(AwardLevelFactory, name="Charter Status")
    certificate_number = factory.Sequence(lambda n: f"TEST-2027-{n + 1:04d}")
    awarded_at = factory.LazyFunction(timezone.now)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3 * 365))
    public_from = factory.LazyFunction(timezone.now)
    released_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        award = super()._create(model_class, *args, **kwargs)
        public_cache.invalidate()  # as deciding does: the register shows Charter Status
        return award


# --- Platform (public schema) ---------------------------------------------------------------


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan councils may pick, with no limits unless given (``max_organisations=2``)."""

    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Plan {n}")
    price_pence = 120000
    interval = "year"
    stripe_price_id = factory.Sequence(lambda n: f"price_test_{n}")
