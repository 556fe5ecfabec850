"""The success page and the webhook asking at the same moment: one council, whoever wins.

Committed for real, each call on its own connection (as two web processes or workers are); the
council made is dropped afterwards with its schema.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from platform_.billing.enums import SignupStatus
from platform_.billing.models import CouncilSignup, Subscription
from platform_.billing.services.provisioning import complete_checkout
from tenants.middleware import forget_cached_hosts
from tenants.models import Plan, Tenant
from tests.fixtures.billing import STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, open_checkout

pytestmark = pytest.mark.integration


@pytest.fixture
def committed_stripe(_fake_stripe_server, settings, django_db_setup):
    """The fake server and billing settings, without a test transaction: rows commit."""
    fake = _fake_stripe_server
    fake.reset()
    fake.webhook_secret = STRIPE_WEBHOOK_SECRET
    fake.webhook_target = None
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.reset()


def at_once(django_db_blocker, calls) -> list:
    """The calls in threads released together, each on its own connection; what each returned
    or raised."""
    start, outcome = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            with django_db_blocker.unblock():
                start.wait(timeout=10)
                outcome[index] = call()
        except Exception as error:  # compared below; a thread cannot fail the test itself
            outcome[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcome


def test_complete_checkout_called_at_once_makes_one_council(committed_stripe, django_db_blocker):
    price = committed_stripe.add_price(unit_amount=4000, interval="month")
    with django_db_blocker.unblock():
        plan = Plan.objects.create(
            name="Race plan", price_pence=4000, stripe_price_id=price["id"], trial_days=30
        )
        signup = open_checkout(plan, slug="zeta", council_name="Zeta Council")
    committed_stripe.pay_checkout(signup.checkout_session_id)
    try:
        outcomes = at_once(
            django_db_blocker, [lambda: complete_checkout(signup.checkout_session_id)] * 4
        )
        with django_db_blocker.unblock():
            signup.refresh_from_db()
            assert [type(outcome) for outcome in outcomes] == [CouncilSignup] * 4
            assert signup.status == SignupStatus.READY
            assert Tenant.objects.filter(slug="zeta").count() == 1
            assert Subscription.objects.filter(tenant_id=signup.tenant_id).count() == 1
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            Subscription.objects.filter(tenant__slug="zeta").delete()
            for tenant in Tenant.objects.filter(slug="zeta"):
                tenant.delete(force_drop=True)
            CouncilSignup.objects.filter(pk=signup.pk).delete()
            plan.delete()
        forget_cached_hosts([f"zeta.{settings.PLATFORM_DOMAIN}"])
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "t_zeta", ignore_errors=True)
