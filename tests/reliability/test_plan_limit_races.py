"""Two creates at once with one place left under the plan: exactly one gets it.

As in test_double_clicks.py, the first call's transaction stays open for a moment after its row
is written while the second runs on its own connection. Without a lock the second would count the
committed rows only, see a place left, and insert too; with the plan limit's advisory lock it waits
for the first to commit, counts its row and is refused. Rows are committed, in a council of its
own (conftest's race_tenant), put on a small plan for these tests only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from charters import services as charter_services
from charters.models import Organisation
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation, User
from platform_.accounts.services import invite_person
from platform_.plan_limits import PlanLimitReached
from tenants.models import Plan
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.integration

HELD_OPEN = 0.5

DETAILS = {"kind": "school", "address_line_1": "1 Race Lane", "town": "Raceton"}


def race(django_db_blocker, tenant, first: Callable, second: Callable) -> tuple:
    written, outcome = threading.Event(), {}

    def run(name: str, call: Callable) -> None:
        try:
            with django_db_blocker.unblock(), tenant_context(tenant):
                if name == "first":
                    with transaction.atomic():
                        outcome[name] = call()
                        written.set()
                        time.sleep(HELD_OPEN)
                else:
                    written.wait(timeout=10)
                    outcome[name] = call()
        except Exception as error:  # compared below; a thread cannot fail the test itself
            outcome[name] = error
        finally:
            written.set()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(n, c)) for n, c in [("first", first), ("second", second)]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome["first"], outcome["second"]


@pytest.fixture
def race_tenant_on_a_plan(race_tenant, django_db_blocker):
    """The race council on a plan of three organisations and two assessors, committed; back on
    no plan afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        plan = Plan.objects.create(
            name="Race plan", price_pence=100, max_organisations=3, max_assessors=2
        )
        race_tenant.plan = plan
        race_tenant.save(update_fields=["plan"])
    yield race_tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        race_tenant.plan = None
        race_tenant.save(update_fields=["plan"])
        plan.delete()


def in_tenant(django_db_blocker, tenant, make: Callable):
    with django_db_blocker.unblock(), tenant_context(tenant):
        return make()


def test_two_organisations_registered_at_once_for_the_last_place_make_one(
    race_tenant_on_a_plan, django_db_blocker
):
    def world():
        Organisation.objects.all().delete()
        OrganisationFactory.create_batch(2, postcode="WV5 5AA")
        return UserFactory(email="ann@plan.test"), UserFactory(email="bob@plan.test")

    ann, bob = in_tenant(django_db_blocker, race_tenant_on_a_plan, world)

    def register(user, name):
        return lambda: charter_services.register_organisation(
            acting_user=user, name=name, postcode="WV6 6AA", **DETAILS
        )

    first, second = race(
        django_db_blocker,
        race_tenant_on_a_plan,
        register(ann, "Ash Nursery"),
        register(bob, "Birch Nursery"),
    )

    assert isinstance(first, Organisation)
    assert isinstance(second, PlanLimitReached)
    assert second.messages == [
        "Your council's plan allows 3 organisations, and 3 are registered. "
        "A council officer can move to a bigger plan."
    ]
    assert in_tenant(django_db_blocker, race_tenant_on_a_plan, Organisation.objects.count) == 3


def test_two_assessors_invited_at_once_for_the_last_place_make_one_invitation(
    race_tenant_on_a_plan, django_db_blocker
):
    def world():
        Invitation.objects.all().delete()
        User.objects.filter(is_assessor=True).delete()
        UserFactory(email="first.assessor@plan.test", is_assessor=True)
        return User.objects.get(email="officer@races.test")

    officer = in_tenant(django_db_blocker, race_tenant_on_a_plan, world)

    def invite(email):
        return lambda: invite_person(email, role=Role.ASSESSOR, acting_user=officer)

    first, second = race(
        django_db_blocker,
        race_tenant_on_a_plan,
        invite("cat@plan.test"),
        invite("dan@plan.test"),
    )

    assert isinstance(first, Invitation)
    assert isinstance(second, PlanLimitReached)
    assert (
        in_tenant(
            django_db_blocker,
            race_tenant_on_a_plan,
            lambda: Invitation.objects.filter(role=Role.ASSESSOR).count(),
        )
        == 1
    )
