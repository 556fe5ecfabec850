"""The demo council that `make run` creates, so a newcomer sees a living site.

Part of the composition root (like the URL confs and the beat schedule): it composes tenants,
charters and accreditation, which is why it lives above them all and none of them imports it.
"""

import json

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django_tenants.utils import tenant_context

from accreditation.demo import seed_accreditation_demo
from charters.demo import seed_charter_demo
from platform_.accounts.models import User
from tenants.models import Plan, Tenant
from tenants.services import ensure_platform, provision_tenant

DEMO_SLUG = "demo"
# The plans offered on the platform home in development. `make run` starts the fake Stripe server
# with these same prices (infra/dev/run.py reads the file too), so a sign up can be paid locally.
DEMO_PLANS_FILE = settings.BASE_DIR / "infra" / "dev" / "demo_plans.json"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (printed demo login, development only)
# Printed by `make run`; development only (the demo is never created in production).
DEMO_LOGINS = {
    "council officer": ("officer@demo.localhost", DEMO_PASSWORD),
    "assessor": ("assessor@demo.localhost", DEMO_PASSWORD),
    "organisation member": ("member@demo.localhost", DEMO_PASSWORD),
    "platform staff": ("admin@localhost", DEMO_PASSWORD),
}


def ensure_demo_plans() -> list[Plan]:
    """The demo plans, created once by name: platform staff may edit them afterwards."""
    plans = []
    for spec in json.loads(DEMO_PLANS_FILE.read_text()):
        plan, _ = Plan.objects.get_or_create(name=spec["name"], defaults=spec)
        plans.append(plan)
    return plans


@transaction.atomic
def ensure_demo_tenant() -> tuple[Tenant, bool]:
    ensure_platform()
    ensure_demo_plans()
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
