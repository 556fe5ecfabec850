"""A council signs up in real Chromium: the platform home, the form (with its error summary), the
fake Stripe's checkout, and the progress page updating itself (its script polling, the change
announced) until the new site is ready; axe on every page of ours. A real gunicorn, a real Celery
worker, the fake Stripe server posting its webhooks over HTTP: nothing in-process."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from infra.dev.fake_stripe import FakeStripe
from platform_.accounts.models import User
from platform_.billing.models import CouncilSignup, StripeEvent, Subscription
from platform_.outbox.models import OutboxEmail
from tenants.middleware import forget_cached_hosts
from tenants.models import Plan, PlanInterval, Tenant
from tests.browser.a11y import assert_accessible
from tests.helpers import TEST_PASSWORD, make_user, subprocess_env
from tests.processes import start_worker, stop

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "sk_test_browser_fake"  # the fake server's
WEBHOOK_SECRET = "whsec_browser_fake"  # the fake server's


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def billing_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn and a Celery worker with billing on, pointed at a fake Stripe server whose
    webhooks reach gunicorn over HTTP; a committed plan. Everything made is removed after."""
    fake = FakeStripe(webhook_secret=WEBHOOK_SECRET).start()
    port = free_port()
    stripe_env = {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake.url,
        # Links (Stripe's way back, the new site's address) must reach this server.
        "SITE_PORT_SUFFIX": f":{port}",
    }
    logs = tmp_path_factory.mktemp("billing-site")
    with django_db_blocker.unblock():
        price = fake.add_price(unit_amount=120000, interval="year", nickname="Browser plan")
        plan = Plan.objects.create(
            name="Browser plan",
            price_pence=120000,
            interval=PlanInterval.YEAR,
            stripe_price_id=price["id"],
            max_organisations=50,
            trial_days=14,
        )
        env = subprocess_env(
            CELERY_TASK_ALWAYS_EAGER="false",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(logs / "mail"),
            **stripe_env,
        )
        bind = f"127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "platform_.wsgi:application",
                "--bind",
                bind,
                "-w",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=(logs / "gunicorn.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        worker = start_worker(logs / "worker.log", **stripe_env)
    fake.webhook_target = f"http://localhost:{port}/stripe/webhook/"
    base = f"http://localhost:{port}"
    _wait_until_up(base + "/", server, logs / "gunicorn.log")
    yield base
    stop(server)
    stop(worker)
    fake.stop()
    with django_db_blocker.unblock():
        for tenant in Tenant.objects.filter(slug="delta"):
            Subscription.objects.filter(tenant=tenant).delete()
            CouncilSignup.objects.filter(tenant=tenant).update(tenant=None)
            tenant.delete(force_drop=True)
            shutil.rmtree(Path(settings.MEDIA_ROOT) / tenant.schema_name, ignore_errors=True)
        CouncilSignup.objects.filter(plan=plan).delete()
        StripeEvent.objects.all().delete()
        OutboxEmail.objects.filter(recipient="dana@delta.example").delete()
        plan.delete()
    forget_cached_hosts([f"delta.{settings.PLATFORM_DOMAIN}"])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback URL built above)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in time:\n{log.read_text()}")


def test_a_council_signs_up_and_pays_in_a_browser(billing_site, page):
    page.goto(billing_site + "/")
    assert page.locator("h1").inner_text() == "Co-production charters that people can see working"
    assert page.locator(".govuk-summary-card__title").all_inner_texts() == ["Browser plan"]
    assert_accessible(page)

    page.get_by_role("button", name="Start now").first.click()
    assert page.locator("h1").inner_text() == "Sign up your council"
    assert_accessible(page)

    page.get_by_role("button", name="Continue to payment").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Name of your council or board").fill("Delta County Council")
    page.get_by_label("Council", exact=True).check()
    page.get_by_label("Your site's address").fill("delta")
    page.get_by_label("Your full name").fill("Dana Evans")
    page.get_by_label("Your work email address").fill("dana@delta.example")
    page.get_by_label("Browser plan: £1,200 a year").check()
    page.get_by_role("button", name="Continue to payment").click()

    # Stripe's page (the fake's): the form's redirect was allowed there by the page's policy.
    assert page.locator("h1").inner_text() == "Pay for CoCharter"
    assert "dana@delta.example" in page.locator("main").inner_text()
    page.get_by_role("button", name="Pay").click()

    # Back on the progress page, which updates itself as the worker makes the site.
    assert page.url.startswith(billing_site + "/signup/")
    assert_accessible(page)
    heading = page.locator("h1")
    heading.filter(has_text="Your site is ready").wait_for(timeout=60_000)
    announcement = page.locator('[aria-live="polite"]')
    assert (
        page.locator('[data-progress="message"]')
        .inner_text()
        .startswith("We have emailed dana@delta.example an invitation.")
    )
    if announcement.inner_text():  # it changed while we watched: said aloud
        assert announcement.inner_text().startswith("Your site is ready.")
    assert page.get_by_role("link", name="Check again").count() == 0
    assert_accessible(page)

    page.get_by_role("link", name="Go to your new site").click()
    assert page.url == billing_site.replace("localhost", "delta.localhost") + "/"
    assert page.locator(".app-header__link").inner_text() == "Delta County Council"


def test_the_progress_page_polls_and_announces_without_a_reload(
    billing_site, page, django_db_blocker
):
    with django_db_blocker.unblock():
        signup = CouncilSignup.objects.create(
            council_name="Echo Council",
            slug="echo",
            officer_name="Eve",
            officer_email="eve@echo.example",
            plan=Plan.objects.get(name="Browser plan"),
            status="paid",
            expires_at=timezone.now() + timedelta(hours=1),
        )
    try:
        page.goto(f"{billing_site}/signup/{signup.public_id}/")
        assert page.locator("h1").inner_text() == "Payment received. We are making your site"
        assert_accessible(page)
        page.evaluate("window.notReloaded = true")
        with django_db_blocker.unblock():
            CouncilSignup.objects.filter(pk=signup.pk).update(status="failed")

        page.locator("h1").filter(has_text="We could not make your site").wait_for(timeout=20_000)

        assert page.evaluate("window.notReloaded") is True
        assert (
            page.locator('[aria-live="polite"]')
            .inner_text()
            .startswith("We could not make your site. Your payment is safe.")
        )
        assert page.get_by_role("link", name="Check again").count() == 0
        assert_accessible(page)
    finally:
        with django_db_blocker.unblock():
            CouncilSignup.objects.filter(pk=signup.pk).delete()


def test_the_billing_page_is_accessible(billing_site, page, django_db_blocker):
    with django_db_blocker.unblock():
        alpha = Tenant.objects.get(slug="alpha")
        officer = make_user(alpha, "browser.billing@alpha.test", is_council_officer=True)
        subscription = Subscription.objects.create(
            tenant=alpha,
            stripe_customer_id="cus_browser_alpha",
            stripe_subscription_id="sub_browser_alpha",
            stripe_status="past_due",
            past_due_since=timezone.now() - timedelta(days=3),
            current_period_end=timezone.now() + timedelta(days=27),
        )
    try:
        alpha_site = billing_site.replace("localhost", "alpha.localhost")
        page.goto(alpha_site + "/accounts/login/")
        page.get_by_label("Email").fill(officer.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.goto(alpha_site + "/manage/billing/")

        assert page.locator("h1").inner_text() == "Billing"
        assert (
            "We could not take your last payment."
            in page.locator(".govuk-warning-text").inner_text()
        )
        assert page.get_by_role("button", name="Manage payment and plan").is_visible()
        assert_accessible(page)
    finally:
        with django_db_blocker.unblock():
            subscription.delete()
            with tenant_context(alpha):
                User.objects.filter(pk=officer.pk).delete()
