"""Every account page and email speaks like the rest of the service: sentence case, British
English, GOV.UK's words ("Sign in", "Create an account", "Keep me signed in").

The pages are taken from the URL conf (every allauth route, and the invitation page), fetched as
an anonymous visitor, as a person signed in, and as one with two-factor authentication; the
emails are the ones allauth really writes to the outbox. What is checked is the rendered HTML,
so a string from allauth's Python (a form label, a button) is caught as well as a template's.
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core import mail
from django_tenants.utils import tenant_context

from platform_.accounts import services as account_services
from platform_.accounts.enums import Role
from platform_.accounts.sso import PROVIDER, PROVIDER_ID
from tenants.services import update_contact_email
from tests.helpers import TEST_PASSWORD, login, make_user
from tests.urlconf import parameters, tenant_routes

# American spellings, and words GOV.UK does not use ("sign up" and "log in" where the service says
# "create an account" and "sign in"; "click", since not everyone uses a mouse).
WRONG_WORDS = re.compile(
    r"\b(?:finaliz\w*|authoriz\w*|organiz\w*|recogniz\w*|realiz\w*|customiz\w*|minimiz\w*|"
    r"colors?|centers?|canceled|canceling|favor\w*|"
    r"[Ss]ign[ -]?[Uu]p\b|Signup|E-mail|e-mail|Remember Me|[Ll]og ?[Ii]n|[Ll]og ?[Oo]ut|"
    r"[Ll]ogged (?:in|out)|"
    r"click)",
)
# Words that are names, so keep their capitals anywhere in a sentence.
PROPER = re.compile(
    r"Charter Status|CoCharter|Alpha City Council|Alpha|GOV\.UK|Google Authenticator|"
    r"Microsoft Authenticator|TOTP|QR"
)
# Elements whose text is a heading, a button or a label: these must be in sentence case.
SHORT_TEXT = {"h1", "h2", "h3", "h4", "button", "label", "legend", "title", "th", "caption", "dt"}


class Texts(HTMLParser):
    """The visible text of a page, and the text of each heading, button and label in it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str]]] = []
        self.short: list[tuple[str, str]] = []
        self.visible: list[str] = []
        self.hidden = 0
        # A tag ("Verified", "Primary") inside a label is a word of its own, not the label's.
        self.tag_starts: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.hidden += 1
        classes = dict(attrs).get("class") or ""
        if "govuk-tag" in classes:
            self.tag_starts.append(len(self.stack))
            self.stack.append(("tag:" + tag, []))
        elif tag in SHORT_TEXT or (tag == "a" and "govuk-button" in classes):
            self.stack.append((tag, []))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.hidden -= 1
        if self.stack and self.stack[-1][0] in {tag, "tag:" + tag}:
            name, parts = self.stack.pop()
            if name.startswith("tag:"):
                self.tag_starts.pop()
            self.short.append((name, " ".join("".join(parts).split())))

    def handle_data(self, data):
        if self.hidden:
            return
        self.visible.append(data)
        inner = self.stack[self.tag_starts[-1] :] if self.tag_starts else self.stack
        for _, parts in inner:
            parts.append(data)


def title_case(text: str) -> bool:
    """A heading or button of more than one word with a capital after the first word of a
    sentence ("Sign In", "Add Email", "Verify Your Email Address"); names and acronyms aside."""
    text = PROPER.sub("", text.split(" \u2013 ")[0])  # a title's dash and council
    for sentence in re.split(r"[.:?!]\s+|\(|\)", text):
        words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", sentence)
        if len(words) < 2:
            continue
        for word in words[1:]:
            if word[0].isupper() and not word.isupper():
                return True
    return False


def problems_in(html: str) -> list[str]:
    texts = Texts()
    texts.feed(html)
    found = [f"{tag}: {text!r}" for tag, text in texts.short if title_case(text)]
    visible = " ".join(" ".join(texts.visible).split())
    found += [f"word: {match!r}" for match in WRONG_WORDS.findall(visible)]
    # "Contact us" says nothing about where: the pages name the council's address instead.
    found += [f"unnamed: {match!r}" for match in re.findall(r"[Cc]ontact us\b", visible)]
    return found


def problems_in_email(subject: str, body: str) -> list[str]:
    found = [f"subject: {subject!r}"] if title_case(subject) else []
    words = re.sub(r"https?://\S+", "", subject + "\n" + body)  # links are not words
    found += [f"word: {match!r}" for match in WRONG_WORDS.findall(words)]
    found += [f"line: {line!r}" for line in body.splitlines() if "recognise" in line.lower()]
    return found


def test_the_checks_catch_what_they_are_for():
    assert title_case("Sign In")
    assert title_case("Verify Your Email Address")
    assert title_case("Please Confirm Your Email Address")
    assert not title_case("Sign in")
    assert not title_case("Create an account")
    assert not title_case("Your Charter Status \u2013 Alpha City Council")
    assert problems_in("<label>Remember Me</label><p>Please finalize the Signup.</p>") == [
        "label: 'Remember Me'",
        "word: 'Remember Me'",
        "word: 'finalize'",
        "word: 'Signup'",
    ]
    assert problems_in("<h1>Keep me signed in</h1><p>Choose a colour, in our favour.</p>") == []
    assert problems_in("<p>Please contact us if it does not arrive.</p>") == [
        "unnamed: 'contact us'"
    ]


# --- Who visits ---------------------------------------------------------------------------------


@pytest.fixture
def person_a(tenant_a):
    """Pat, signed up with a confirmed address, at a council whose contact email is set."""
    with tenant_context(tenant_a):
        update_contact_email(tenant_a, contact_email="charter@alpha.test", acting_user=None)
    return make_user(tenant_a, "pat@alpha.test", is_organisation_member=True)


@pytest.fixture
def route_values(tenant_a, officer_a, person_a):
    """A real value for every parameter of an account route, so each page renders for real."""
    with tenant_context(tenant_a):
        unverified = EmailAddress.objects.create(
            user=officer_a, email="officer.new@alpha.test", verified=False, primary=False
        )
        invitation = account_services.invite_person(
            "new.assessor@alpha.test", role=Role.ASSESSOR, acting_user=officer_a
        )
        token = account_services.invitation_token(invitation)
        # The council's own sign-in provider, so its pages (/accounts/oidc/...) render for real.
        SocialApp.objects.create(
            provider=PROVIDER,
            provider_id=PROVIDER_ID,
            name="Sign in with Alpha account",
            client_id="alpha-client",
            settings={"server_url": "http://127.0.0.1:9", "enabled": True},
        )
        # In the tenant: making a reset token looks up (and may write) the user's addresses.
        return {
            "key": EmailConfirmationHMAC(unverified).key,
            "uidb36": user_pk_to_url_str(person_a),
            "token": token,
            "reset_key": default_token_generator.make_token(person_a),
            "provider_id": PROVIDER_ID,
        }


RESET_FROM_KEY = "/accounts/password/reset/key/"


def account_paths(values: dict) -> list[str]:
    paths = []
    for name, route in sorted(tenant_routes().items()):
        if not route.startswith("accounts/"):
            continue
        path = "/" + route.replace("^", "").replace("$", "")
        if name == "account_reset_password_from_key":
            path = f"/accounts/password/reset/key/{values['uidb36']}-{values['reset_key']}/"
        else:
            for parameter in parameters(route):
                path = re.sub(
                    rf"\(\?P<{parameter}>[^)]*\)|<(?:\w+:)?{parameter}>",
                    values[parameter],
                    path,
                )
        paths.append(path)
    return paths


def visit(client, path: str) -> tuple[int, str]:
    response = client.get(path, follow=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    return response.status_code, body.decode() if "html" in kind else ""


def test_every_account_page_speaks_in_sentence_case_and_british_english(
    tenant_a, person_a, route_values, client_a, django_capture_on_commit_callbacks
):
    secret = generate_totp_secret()
    with tenant_context(tenant_a):
        two_factor = make_user(tenant_a, "two@alpha.test")
        TOTP.activate(two_factor, secret)
        RecoveryCodes.activate(two_factor)

    def fresh(user=None):
        client = client_a.__class__(HTTP_HOST="alpha.localhost")
        return login(client, tenant_a, user) if user else client

    def really_signed_in(email: str, secret: str = "") -> str:
        """A session made by signing in for real (with the authenticator's code too), so the
        pages that ask to confirm it is you (2FA settings, recovery codes) show themselves."""
        client = fresh()
        client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
        if secret:
            code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
            client.post("/accounts/2fa/authenticate/", {"code": code})
        client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})  # "it is me"
        assert client.session.get("_auth_user_id"), email
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    sessions = {
        "signed in": really_signed_in(person_a.email),
        "with 2FA": really_signed_in(two_factor.email, secret),
    }

    def client_for(who: str, path: str):
        # A password reset link, or another person's confirmation link, signs out whoever
        # opens it: those pages get a session of their own, so the shared ones stay signed in.
        if path.startswith((RESET_FROM_KEY, "/accounts/confirm-email/")) or who == "anonymous":
            return fresh({"signed in": person_a, "with 2FA": two_factor}.get(who))
        client = fresh()
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[who]
        return client

    pages = {}
    for path in account_paths(route_values):
        for who in ("anonymous", "signed in", "with 2FA"):
            client = client_for(who, path)
            label = path
            if path.startswith(RESET_FROM_KEY) and not path.endswith("/done/"):
                # Signing in changes what the reset token is made from: make it afresh.
                with tenant_context(tenant_a):
                    person_a.refresh_from_db()
                    key = default_token_generator.make_token(person_a)
                path, label = f"{RESET_FROM_KEY}{route_values['uidb36']}-{key}/", "reset link"
            status, html = visit(client, path)
            if html:
                pages[f"{label} ({who}, {status})"] = html
    # Signed in for real, the two-factor pages show themselves, not "confirm it is you".
    assert 'name="code"' in pages["/accounts/2fa/totp/activate/ (signed in, 200)"]
    assert "Recovery codes" in pages["/accounts/2fa/recovery-codes/ (with 2FA, 200)"]
    assert (
        "Turn off the authenticator app" in pages["/accounts/2fa/totp/deactivate/ (with 2FA, 200)"]
    )
    # The reset link, opened while it works, shows the form to choose a new password.
    assert all('name="password1"' in html for page, html in pages.items() if "reset link" in page)
    # Half-way through signing in with two-factor authentication: the code page.
    halfway = fresh()
    halfway.post("/accounts/login/", {"login": "two@alpha.test", "password": TEST_PASSWORD})
    status, html = visit(halfway, "/accounts/2fa/authenticate/")
    assert "<h1" in html and 'name="code"' in html
    pages[f"/accounts/2fa/authenticate/ (half signed in, {status})"] = html

    problems = {page: found for page, html in pages.items() if (found := problems_in(html))}
    assert problems == {}
    assert len(pages) >= 90  # about 30 routes, three ways each: none silently skipped


def test_every_account_email_speaks_in_sentence_case_and_british_english(
    tenant_a, person_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # Creating an account: the address to confirm.
        client_a.post(
            "/accounts/signup/",
            {
                "email": "new.person@alpha.test",
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
                "full_name": "New Person",
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        # Someone tries to create an account with an address that has one.
        client_a.post(
            "/accounts/signup/",
            {
                "email": person_a.email,
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
                "full_name": "Pat Again",
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/accounts/password/reset/", {"email": person_a.email})
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/accounts/password/reset/", {"email": "nobody@alpha.test"})
    signed_in = login(client_a.__class__(HTTP_HOST="alpha.localhost"), tenant_a, person_a)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/accounts/email/", {"action_add": "", "email": "pat.work@alpha.test"})

    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "Confirm your email address",
        "Confirm your email address",
        "Reset your password",
        "Someone tried to create an account with your email address",
        "There is no account with your email address",
    ]
    problems = {
        message.subject: found
        for message in mail.outbox
        if (found := problems_in_email(message.subject, message.body))
    }
    assert problems == {}
    for message in mail.outbox:
        # Every account email ends by saying where to ask, as the council's other emails do.
        assert "Alpha City Council" in message.body, message.subject
        assert "If you have a question, email charter@alpha.test" in message.body, message.subject
