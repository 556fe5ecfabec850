"""The demo council that `make run` creates, so a newcomer sees a living site.

Part of the composition root (like the URL confs and the beat schedule): it composes tenants,
charters and accreditation, which is why it lives above them all and none of them imports it.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django_tenants.utils import tenant_context

from accreditation.demo import seed_accreditation_demo
from charters.demo import seed_charter_demo
from platform_.accounts.models import User
from tenants.models import Tenant
from tenants.services import ensure_platform, provision_tenant

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (printed demo login, development only)
# Printed by `make run`; development only (the demo is never created in production).
DEMO_LOGINS = {
    "council officer": ("officer@demo.localhost", DEMO_PASSWORD),
    "assessor": ("assessor@demo.localhost", DEMO_PASSWORD),
    "organisation member": ("member@demo.localhost", DEMO_PASSWORD),
    "platform staff": ("admin@localhost", DEMO_PASSWORD),
}


@transaction.atomic
def ensure_demo_tenant() -> tuple[Tenant, bool]:
    ensure_platform()
    if not User.objects.filter(email=DEMO_LOGINS["platform staff"][0]).exists():
        User.objects.create_superuser(
            DEMO_LOGINS["platform staff"][0], DEMO_PASSWORD, full_name="Platform admin"
        )
    tenant = Tenant.objects.filter(slug=DEMO_SLUG).first()
    if tenant is not None:
        return tenant, False
    tenant = provision_tenant(
        name="Demoshire Council",
        slug=DEMO_SLUG,
        officer_email=None,
        brand_colour="#0b5e5b",
        contact_email="charter@demo.localhost",
    )
    with tenant_context(tenant):
        seed_demo_council()
    return tenant, True


def seed_demo_council() -> dict:
    """Fill the current tenant with the demo's people, charter, register and applications.

    Returns the demo users by role. Also used by the browser tests, on a tenant of their own.
    """
    people = [
        ("council officer", "Priya Shah", {"is_council_officer": True}),
        ("assessor", "Jordan Lee", {"is_assessor": True, "has_lived_experience": True}),
        ("organisation member", "Sam Okafor", {"is_organisation_member": True}),
    ]
    users = {}
    for role, full_name, flags in people:
        email, password = DEMO_LOGINS[role]
        users[role] = _make_person(email, full_name, password=password, **flags)
    # The demo organisation member leads a signed school, so /org/ has something to show.
    seed_charter_demo(
        officer=users["council officer"],
        first_lead=users["organisation member"],
        make_person=_make_person,
    )
    second_assessor = _make_person("assessor2@demo.localhost", "Morgan Ellis", is_assessor=True)
    seed_accreditation_demo(
        officer=users["council officer"],
        assessors=(users["assessor"], second_assessor),
        make_person=_make_person,
    )
    return users


def _make_person(email: str, full_name: str, *, password: str = DEMO_PASSWORD, **flags):
    user = User.objects.create_user(email, password, full_name=full_name, **flags)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
