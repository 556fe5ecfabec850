"""`make run` without a Stripe key: the fake Stripe server as a supervised child, knowing the demo
plans' prices, and web, worker and beat pointed at it (infra/dev/run.py)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from infra.dev import run
from platform_.billing.stripe_api import is_test_mode, stripe_client
from platform_.demo import ensure_demo_plans
from tenants.models import Plan

pytestmark = pytest.mark.integration

DEMO_PLANS = json.loads(run.DEMO_PLANS_FILE.read_text())


def test_without_a_key_make_run_starts_the_fake_with_every_demo_price():
    billing = run.billing_setup({}, web_port="8000", stripe_port=12999)

    assert billing.environment == {
        "STRIPE_SECRET_KEY": run.FAKE_STRIPE_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": run.FAKE_STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": "http://127.0.0.1:12999",
    }
    assert billing.banner == "Billing: test mode, fake Stripe at http://127.0.0.1:12999/"
    command = billing.command
    assert command[1].endswith("infra/dev/fake_stripe.py")
    assert command[command.index("--port") + 1] == "12999"
    assert command[command.index("--secret") + 1] == run.FAKE_STRIPE_WEBHOOK_SECRET
    assert command[command.index("--webhook-url") + 1] == "http://localhost:8000/stripe/webhook/"
    prices = [command[i + 1] for i, part in enumerate(command) if part == "--price"]
    assert prices == [
        "price_demo_small_board:45000:year",
        "price_demo_council:120000:year",
        "price_demo_large_council:30000:month",
    ]


def test_with_a_key_make_run_uses_stripe_as_configured():
    billing = run.billing_setup(
        {"STRIPE_SECRET_KEY": "sk_test_abc"}, web_port="8000", stripe_port=1
    )
    assert (billing.command, billing.environment) == (None, {})
    assert billing.banner == "Billing: Stripe (test mode, key from STRIPE_SECRET_KEY)"


@pytest.fixture
def fake_stripe_process():
    """The fake server exactly as `make run` starts it, on a free port."""
    billing = run.billing_setup({}, web_port="8000", stripe_port=run.free_port())
    process = subprocess.Popen(billing.command, stdout=subprocess.PIPE, text=True)
    base = billing.environment["STRIPE_API_BASE"]
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/checkout/none", timeout=1)  # noqa: S310 (loopback)
        except urllib.error.HTTPError:
            break  # it answers (404: no such checkout)
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.1)
    yield billing
    process.terminate()
    process.wait(timeout=10)


def test_the_demo_plans_can_be_bought_on_the_fake_make_run_starts(
    fake_stripe_process, settings, db
):
    for name, value in fake_stripe_process.environment.items():
        setattr(settings, name, value)
    plans = ensure_demo_plans()

    assert is_test_mode()
    for plan in plans:
        price = stripe_client().v1.prices.retrieve(plan.stripe_price_id)
        assert (price.unit_amount, price.recurring.interval) == (plan.price_pence, plan.interval)


def test_demo_plans_are_created_once_and_keep_staff_edits(db):
    first = ensure_demo_plans()
    Plan.objects.filter(name="Council").update(price_pence=99900)
    again = ensure_demo_plans()

    assert [plan.pk for plan in again] == [plan.pk for plan in first]
    assert [(p.name, p.stripe_price_id, p.max_organisations, p.trial_days) for p in first] == [
        ("Small board", "price_demo_small_board", 30, 30),
        ("Council", "price_demo_council", 200, 14),
        ("Large council", "price_demo_large_council", None, 0),
    ]
    assert Plan.objects.get(name="Council").price_pence == 99900
