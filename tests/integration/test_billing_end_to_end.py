"""The sign up's whole path as `make run` runs it: the fake Stripe server's hosted Checkout page
is paid over HTTP, its events are POSTed to a real gunicorn server, and a real Celery worker
provisions the council and sends the first officer's invitation. Rows are committed; the council
is dropped afterwards."""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from platform_.billing.enums import SignupStatus
from platform_.billing.models import CouncilSignup, StripeEvent, Subscription
from tenants.enums import LifecycleStatus
from tenants.middleware import forget_cached_hosts
from tenants.models import Plan, Tenant
from tests.fixtures.billing import STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, open_checkout
from tests.helpers import subprocess_env
from tests.processes import ROOT, start_worker, stop, wait_for

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def stripe_env(_fake_stripe_server, settings) -> dict[str, str]:
    fake = _fake_stripe_server
    fake.reset()
    fake.webhook_secret = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    yield {
        "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake.url,
    }
    fake.reset()
    fake.webhook_target = None


@pytest.fixture
def web_and_worker(stripe_env, django_db_setup, django_db_blocker, tmp_path):
    """A gunicorn server (publishing tasks to Redis) and a worker, both with billing on; the
    server's base address. Mail goes to files in tmp_path/mail."""
    port = free_port()
    mail_dir = tmp_path / "mail"
    mail = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with django_db_blocker.unblock():
        env = subprocess_env(CELERY_TASK_ALWAYS_EAGER="false", **stripe_env, **mail)
        worker = start_worker(tmp_path / "worker.log", **stripe_env, **mail)
    log = (tmp_path / "web.log").open("w")
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "platform_.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://localhost:{port}"

    def up() -> bool:
        try:
            urllib.request.urlopen(base + "/accessibility/", timeout=2)  # noqa: S310 -- loopback
            return True
        except OSError:
            return False

    try:
        assert wait_for(up, timeout=60), (tmp_path / "web.log").read_text()
        yield base, mail_dir
    finally:
        stop(web)
        stop(worker)
        print((tmp_path / "web.log").read_text())
        print((tmp_path / "worker.log").read_text())


def test_paying_on_the_hosted_page_makes_the_council_through_real_processes(
    _fake_stripe_server, web_and_worker, django_db_blocker
):
    base, mail_dir = web_and_worker
    fake = _fake_stripe_server
    fake.webhook_target = f"{base}/stripe/webhook/"
    price = fake.add_price(unit_amount=4000, interval="month", nickname="Starter")
    with django_db_blocker.unblock():
        plan = Plan.objects.create(
            name="End to end", price_pence=4000, stripe_price_id=price["id"], trial_days=30
        )
        signup = open_checkout(
            plan, slug="omega", council_name="Omega Council", officer_email="olu@omega.test"
        )
    try:
        # As the browser's Pay button does; the redirect to the success page is not followed.
        page = http.client.HTTPConnection(urlsplit(fake.url).netloc, timeout=30)
        page.request("POST", f"/checkout/{signup.checkout_session_id}/pay")
        assert page.getresponse().status == 303
        assert [answer for _, answer in fake.deliveries] == [200, 200, 200]

        def ready() -> bool:
            with django_db_blocker.unblock():
                signup.refresh_from_db()
                return signup.status == SignupStatus.READY

        def invited() -> bool:
            return any("olu@omega.test" in p.read_text() for p in mail_dir.glob("*.log"))

        assert wait_for(ready, timeout=60), signup.status
        assert wait_for(invited, timeout=60)
        with django_db_blocker.unblock():
            tenant = Tenant.objects.get(slug="omega")
            assert (tenant.status, tenant.plan_id) == (LifecycleStatus.TRIAL, plan.pk)
            assert Subscription.objects.get(tenant=tenant).stripe_status == "trialing"
            assert StripeEvent.objects.filter(processed_at__isnull=True).count() == 0
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            Subscription.objects.filter(tenant__slug="omega").delete()
            for tenant in Tenant.objects.filter(slug="omega"):
                tenant.delete(force_drop=True)
            CouncilSignup.objects.filter(pk=signup.pk).delete()
            StripeEvent.objects.filter(
                stripe_id__in=[event["id"] for event in fake.events]
            ).delete()
            plan.delete()
        forget_cached_hosts([f"omega.{settings.PLATFORM_DOMAIN}"])
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "t_omega", ignore_errors=True)
