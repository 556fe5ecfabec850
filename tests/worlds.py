"""A whole council's worth of rows, built by factories, each name and text carrying a prefix.

``build_world(tenant, "Alpha", status)`` builds, in a fixed order, everyone who can meet an
application (its organisation's lead and member, another organisation's lead, an officer and
four assessors: unassigned, assigned but undeclared, assigned with a conflict, assigned and
cleared), a published charter with pictures, two signed organisations, criteria, a round, an
application in ``status`` with one piece of evidence of every kind, and the assignments.

Built in two tenants after ``align_sequences``, the same calls give the same primary keys, so
tenant B holds a row at every id tenant A uses and a missing tenant scope returns the wrong
tenant's row instead of nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.enums import ApplicationStatus, EvidenceKind
from accreditation.models import Application, Assignment, Evidence
from accreditation.services.documents import make_award_documents
from charters.enums import MembershipStatus
from charters.models import CharterVersion, Organisation, Principle
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation
from tenants.models import Tenant
from tests.factories import (
    PDF,
    PNG,
    ApplicationFactory,
    AssignmentFactory,
    AwardFactory,
    AwardLevelFactory,
    CharterVersionFactory,
    CriterionFactory,
    EvidenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PledgeFactory,
    PrincipleFactory,
    RoundFactory,
    SelfAssessmentFactory,
    SignatureFactory,
    UserFactory,
)

ROLES = [
    "anonymous",
    "other_lead",
    "member",
    "lead",
    "officer",
    "assessor_unassigned",
    "assessor_undeclared",
    "assessor_conflicted",
    "assessor_cleared",
]
ASSIGNED = ["assessor_undeclared", "assessor_conflicted", "assessor_cleared"]
# States in which the application has assessors (assigning one moves it into assessment).
ASSESSED_STATES = {
    ApplicationStatus.IN_ASSESSMENT,
    ApplicationStatus.MORE_INFO_REQUESTED,
    ApplicationStatus.ASSESSED,
    ApplicationStatus.AWARDED,
    ApplicationStatus.NOT_AWARDED,
}


@dataclass
class World:
    prefix: str
    status: str
    users: dict = field(default_factory=dict)
    version: CharterVersion | None = None
    principles: list[Principle] = field(default_factory=list)
    organisation: Organisation | None = None
    other_organisation: Organisation | None = None
    application: Application | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    @property
    def evidence_markers(self) -> list[str]:
        """Every piece of evidence content a page might show: titles, the written account,
        "you said, we did", the link and the file's name."""
        p, lower = self.prefix, self.prefix.lower()
        return [
            f"{p} evidence account",
            f"{p} account text",
            f"{p} evidence link",
            f"https://{lower}.example/evidence",
            f"{p} evidence file",
            f"{lower}-minutes.pdf",
            f"{p} evidence you said",
            f"{p} you said",
            f"{p} we did",
        ]

    @property
    def file_content(self) -> bytes:
        return PDF + f"{self.prefix} file".encode()

    @property
    def file_disposition(self) -> str:
        return f'attachment; filename="{self.prefix.lower()}-minutes.pdf"'

    @property
    def picture_content(self) -> bytes:
        return PNG + f"{self.prefix} picture".encode()

    def primary_keys(self) -> dict[str, int]:
        """Every row's primary key by a stable name, to compare the twin tenants."""
        keys = {f"user:{role}": user.pk for role, user in self.users.items()}
        keys |= {f"evidence:{kind}": e.pk for kind, e in self.evidence.items()}
        keys |= {f"assignment:{role}": a.pk for role, a in self.assignments.items()}
        keys |= {f"principle:{n}": p.pk for n, p in enumerate(self.principles)}
        keys |= {name: obj.pk for name, obj in self.objects.items() if hasattr(obj, "pk")}
        keys |= {
            "version": self.version.pk,
            "organisation": self.organisation.pk,
            "other_organisation": self.other_organisation.pk,
            "application": self.application.pk,
        }
        return keys

    def delete_files(self, tenant: Tenant) -> None:
        with tenant_context(tenant):
            self.evidence["file"].file.delete(save=False)
            if "award" in self.objects:
                self.objects["award"].certificate.delete(save=False)
            for principle in self.principles:
                if principle.picture:
                    principle.picture.delete(save=False)


def build_world(tenant: Tenant, prefix: str, status: str = ApplicationStatus.IN_ASSESSMENT):
    """Build the world in ``tenant``; call ``world.delete_files(tenant)`` when done."""
    p, lower = prefix, prefix.lower()
    world = World(prefix=prefix, status=status)
    with tenant_context(tenant):
        users = world.users
        users["officer"] = UserFactory(
            email=f"officer.{lower}@{lower}.test", full_name=f"{p} Officer", is_council_officer=True
        )
        users["lead"] = UserFactory(email=f"lead@{lower}.test", full_name=f"{p} Lead")
        users["member"] = UserFactory(email=f"member@{lower}.test", full_name=f"{p} Member")
        users["other_lead"] = UserFactory(email=f"elm@{lower}.test", full_name=f"{p} Elm Lead")
        for role in ["assessor_unassigned", *ASSIGNED]:
            users[role] = UserFactory(
                email=f"{role}@{lower}.test", full_name=f"{p} {role}", is_assessor=True
            )

        world.version = CharterVersionFactory(title=f"{p} charter", number=1)
        world.principles = [
            PrincipleFactory(
                version=world.version,
                position=n,
                title=f"{p} principle {n}",
                picture=ContentFile(world.picture_content, name="picture.png"),
                picture_alt=f"{p} picture",
            )
            for n in (1, 2)
        ]

        world.organisation = OrganisationFactory(
            name=f"{p} Hollybush School", slug="hollybush-school", lead=users["lead"]
        )
        MembershipFactory(organisation=world.organisation, user=users["member"])
        signature = SignatureFactory(
            organisation=world.organisation, version=world.version, commitment=f"{p} commitment"
        )
        world.objects["pledge"] = PledgeFactory(signature=signature, text=f"{p} pledge")
        world.objects["join_request"] = MembershipFactory(
            organisation=world.organisation,
            user=UserFactory(email=f"joiner@{lower}.test", full_name=f"{p} Joiner"),
            status=MembershipStatus.REQUESTED,
            decided_at=None,
        )
        world.other_organisation = OrganisationFactory(
            name=f"{p} Elm Nursery", slug="elm-nursery", lead=users["other_lead"]
        )
        SignatureFactory(organisation=world.other_organisation, version=world.version)

        world.objects["level"] = AwardLevelFactory(name=f"{p} level")
        criteria = [
            CriterionFactory(version=world.version, principle=principle, title=f"{p} criterion {n}")
            for n, principle in enumerate(world.principles, start=1)
        ]
        world.objects["criterion"] = criteria[0]
        world.objects["round"] = RoundFactory(name=f"{p} round 2027")
        world.application = ApplicationFactory(
            organisation=world.organisation,
            round=world.objects["round"],
            version=world.version,
            status=status,
            created_by=users["lead"],
        )
        SelfAssessmentFactory(
            application=world.application,
            principle=world.principles[0],
            reason=f"{p} self-assessment reason",
        )
        world.evidence["account"] = EvidenceFactory(
            application=world.application,
            title=f"{p} evidence account",
            account=f"{p} account text",
            criteria=criteria,
        )
        world.evidence["link"] = EvidenceFactory(
            link=True,
            application=world.application,
            title=f"{p} evidence link",
            url=f"https://{lower}.example/evidence",
            criteria=criteria[:1],
        )
        world.evidence["file"] = EvidenceFactory(
            upload=True,
            application=world.application,
            title=f"{p} evidence file",
            file=ContentFile(world.file_content, name="stored.pdf"),
            original_filename=f"{lower}-minutes.pdf",
            size=len(world.file_content),
            criteria=criteria[:1],
        )
        world.evidence["you_said_we_did"] = EvidenceFactory(
            application=world.application,
            kind=EvidenceKind.YOU_SAID_WE_DID,
            title=f"{p} evidence you said",
            account="",
            you_said=f"{p} you said",
            we_did=f"{p} we did",
            changed_on=timezone.localdate(),
            criteria=criteria[1:],
        )
        if status in ASSESSED_STATES:
            world.assignments = {
                "assessor_undeclared": AssignmentFactory(
                    application=world.application, assessor=users["assessor_undeclared"]
                ),
                "assessor_conflicted": AssignmentFactory(
                    conflicted=True,
                    application=world.application,
                    assessor=users["assessor_conflicted"],
                ),
                "assessor_cleared": AssignmentFactory(
                    cleared=True,
                    application=world.application,
                    assessor=users["assessor_cleared"],
                ),
            }
        if status == ApplicationStatus.AWARDED:
            world.objects["award"] = AwardFactory(
                application=world.application,
                level=world.objects["level"],
                certificate_number=f"{p.upper()}-2027-0001",
            )
            make_award_documents(world.objects["award"])
        world.objects["invitation"] = Invitation.objects.create(
            email=f"invitee@{lower}.test",
            role=Role.ASSESSOR,
            invited_by=users["officer"],
            expires_at=timezone.now() + timedelta(days=7),
        )
    return world


# --- Sequences ----------------------------------------------------------------------------------

_OWNED_SEQUENCES = """
    SELECT seq.relname, tbl.relname, col.attname
    FROM pg_class seq
    JOIN pg_depend dep ON dep.objid = seq.oid
        AND dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
    JOIN pg_class tbl ON tbl.oid = dep.refobjid
    JOIN pg_namespace ns ON ns.oid = tbl.relnamespace
    JOIN pg_attribute col ON col.attrelid = tbl.oid AND col.attnum = dep.refobjsubid
    WHERE seq.relkind = 'S' AND ns.nspname = %s
"""


def align_sequences(*tenants: Tenant) -> None:
    """Set every table's id sequence in each tenant's schema to the highest of them.

    Sequences are not rolled back with a test's transaction, and earlier tests used them
    unevenly; after this, the same rows built in the same order get the same primary keys.
    Identity columns and serials alike own their sequence through pg_depend.
    """
    with connection.cursor() as cursor:
        owned = {}
        for tenant in tenants:
            cursor.execute(_OWNED_SEQUENCES, [tenant.schema_name])
            owned[tenant.schema_name] = {(t, c): s for s, t, c in cursor.fetchall()}
        shared = set.intersection(*(set(columns) for columns in owned.values()))
        for table, column in sorted(shared):
            highest = 0
            for schema, sequences in owned.items():
                sequence = sequences[table, column]
                cursor.execute(
                    f'SELECT GREATEST((SELECT last_value FROM "{schema}"."{sequence}"),'
                    f' (SELECT COALESCE(MAX("{column}"), 0) FROM "{schema}"."{table}"))'
                )
                highest = max(highest, cursor.fetchone()[0])
            for schema, sequences in owned.items():
                cursor.execute(
                    "SELECT setval(%s, %s, true)",
                    [f'"{schema}"."{sequences[table, column]}"', highest],
                )
