"""Sign up, verify, sign in and out, reset a password and use TOTP, on a tenant's site."""

import re

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from platform_.outbox.models import OutboxEmail
from tests.helpers import TEST_PASSWORD, make_user


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def current_totp(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the middle one is "now"
    return format_hotp_value(hotp_value(secret, counter))


def test_sign_up_verify_email_and_become_an_organisation_member(
    tenant_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # allauth's email, via the outbox
        response = client_a.post(
            "/accounts/signup/",
            {
                "email": "head@school.test",
                "full_name": "Hana Head",
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    confirm_path = re.search(
        r"http://alpha\.localhost(/accounts/confirm-email/\S+/)", mail.outbox[0].body
    ).group(1)

    response = client_a.post(confirm_path)

    assert response.status_code == 302
    with tenant_context(tenant_a):
        user = User.objects.get(email="head@school.test")
        assert (user.full_name, user.is_organisation_member, user.is_council_officer) == (
            "Hana Head",
            True,
            False,
        )
        assert user.emailaddress_set.get().verified is True
    assert client_a.get("/org/").status_code == 200


def test_sign_up_errors_redisplay_with_an_error_summary(client_a):
    response = client_a.post(
        "/accounts/signup/",
        {
            "email": "bad",
            "full_name": "Hana",
            "password1": "x",
            "password2": "y",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert 'value="Hana"' in html


def test_sign_in_and_sign_out(tenant_a, client_a):
    make_user(tenant_a, "officer@alpha.test", is_council_officer=True)

    response = sign_in(client_a, "officer@alpha.test")
    assert response.status_code == 302
    assert client_a.get("/manage/").status_code == 200

    client_a.post("/accounts/logout/")
    assert client_a.get("/manage/").status_code == 302


def test_wrong_password_shows_an_error_summary(tenant_a, client_a):
    make_user(tenant_a, "officer@alpha.test")
    response = sign_in(client_a, "officer@alpha.test", "wrong-password")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_password_reset_emails_a_link(tenant_a, client_a, django_capture_on_commit_callbacks):
    make_user(tenant_a, "officer@alpha.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/accounts/password/reset/", {"email": "officer@alpha.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["officer@alpha.test"]
    with tenant_context(tenant_a):
        assert OutboxEmail.objects.get().sent_at is not None  # one outbox, allauth's mail too
    assert "http://alpha.localhost/accounts/password/reset/key/" in mail.outbox[0].body


def test_totp_activation_then_sign_in_asks_for_a_code(tenant_a, client_a):
    user = make_user(tenant_a, "officer@alpha.test", is_council_officer=True)
    sign_in(client_a, "officer@alpha.test")
    # Changing sign-in security asks for the password again.
    client_a.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})

    page = client_a.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client_a.post("/accounts/2fa/totp/activate/", {"code": current_totp(secret)})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}

    client_a.post("/accounts/logout/")
    response = sign_in(client_a, "officer@alpha.test")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client_a.get("/manage/").status_code == 302  # not signed in until the code is given

    response = client_a.post("/accounts/2fa/authenticate/", {"code": current_totp(secret)})
    assert response.status_code == 302
    assert client_a.get("/manage/").status_code == 200


def test_platform_host_offers_no_tenant_sign_up(platform_client):
    assert platform_client.get("/accounts/signup/").status_code == 404
