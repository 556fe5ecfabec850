"""Two councils asking for the same subdomain at the same moment: one sign up holds it.

The rows really commit (the second sign up must see the first's only once it commits), on two
connections; both are removed at the end.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from platform_.billing.errors import SubdomainUnavailable
from platform_.billing.models import CouncilSignup
from platform_.billing.services.signups import start_signup
from tenants.models import Plan

pytestmark = pytest.mark.integration

HELD_OPEN = 0.5


@pytest.fixture
def committed_plan(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        plan = Plan.objects.create(name="Race plan", price_pence=100, stripe_price_id="price_race")
    yield plan
    with django_db_blocker.unblock():
        CouncilSignup.objects.filter(plan=plan).delete()
        plan.delete()


def test_two_sign_ups_for_one_subdomain_at_once_make_one_hold(committed_plan, django_db_blocker):
    details = {
        "council_name": "Racing Council",
        "kind": "council",
        "slug": "racing",
        "officer_name": "Ray Sing",
        "officer_email": "ray@racing.example",
        "plan": committed_plan,
    }
    written, outcome = threading.Event(), {}

    def run(name: str) -> None:
        try:
            with django_db_blocker.unblock():
                if name == "first":
                    with transaction.atomic():
                        outcome[name] = start_signup(**details)
                        written.set()
                        time.sleep(HELD_OPEN)  # the second asks while this is uncommitted
                else:
                    written.wait(timeout=10)
                    started = time.monotonic()
                    try:
                        outcome[name] = start_signup(**details)
                    finally:
                        outcome["waited"] = time.monotonic() - started
        except Exception as error:  # compared below; a thread cannot fail the test itself
            outcome[name] = error
        finally:
            written.set()
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert isinstance(outcome["first"], CouncilSignup)
    assert isinstance(outcome["second"], SubdomainUnavailable)
    assert (
        outcome["second"].message == "racing.localhost is already taken. Choose another subdomain"
    )
    assert outcome["waited"] > HELD_OPEN / 2  # it queued behind the first's lock
    with django_db_blocker.unblock():
        assert CouncilSignup.objects.filter(slug="racing").count() == 1
