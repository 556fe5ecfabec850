"""Every error message the public and applicants meet says what went wrong and what to do next.

Collected three ways: every form they fill in, submitted empty and with bad values; every
refusal the services they use can raise (read from the source, so a new message is checked the
day it is written); and the error pages (403, 404, 410, 413, 429) as a person sees them.
"""

from __future__ import annotations

import ast
import copy
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import strip_tags
from django_tenants.utils import tenant_context

from accreditation import selectors as accreditation_selectors
from accreditation.forms import (
    CertificateLookupForm,
    ConcernForm,
    EvidenceForm,
    StartApplicationForm,
    SubmitResponseForm,
    WithdrawApplicationForm,
    self_assessment_form_class,
)
from accreditation.models import Criterion
from charters.forms import (
    InviteMemberForm,
    OrganisationForm,
    PledgeFormSet,
    PledgeMetForm,
    SignatureForm,
    WithdrawForm,
)
from tenants.enums import LifecycleStatus
from tests.helpers import login

# Words a message may start a sentence with to tell the person what to do.
DOING_WORDS = {
    "add", "ask", "check", "choose", "come", "confirm", "contact", "describe", "enter", "give",
    "go", "open", "place", "reload", "remove", "rename", "say", "scan", "select", "shorten",
    "sign", "tell", "try", "use", "wait", "withdraw", "write",
}  # fmt: skip
# Django's own messages, which say what is wrong but not what to do.
DJANGO_DEFAULTS = (
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Ensure this filename",
    "Select a valid choice",
    "is not one of the available choices",
    "The submitted file is empty",
    "No file was submitted",
)


def tells_what_to_do(message: str) -> bool:
    """A full sentence (capital first, at least four words) with one sentence that starts with
    a doing word, or that says to try again; never one of Django's own messages."""
    message = " ".join(message.split())
    if any(default in message for default in DJANGO_DEFAULTS):
        return False
    if not message[:1].isupper() or len(message.split()) < 4:
        return False
    # A sentence, or a clause after a comma ("If you typed the address, check it"), may start
    # with the doing word; a leading "or" or "then" is not the start.
    clauses = re.split(r"(?<=[.:;!?,])\s+", message)
    firsts = set()
    for clause in clauses:
        words = [re.sub(r"[^a-z]", "", w.lower()) for w in clause.split()]
        while words and words[0] in {"or", "then", "and", "please"}:
            words.pop(0)
        if words:
            firsts.add(words[0])
    return bool(firsts & DOING_WORDS) or "try again" in message.lower()


def failing(messages: list[str]) -> list[str]:
    assert messages, "nothing was collected: the check would prove nothing"
    return [m for m in messages if not tells_what_to_do(m)]


@pytest.mark.parametrize(
    "message",
    [
        "This field is required.",
        "Enter a valid date.",
        "Enter a valid URL.",
        "Select a valid choice. 7 is not one of the available choices.",
        "Ensure this value has at most 150 characters (it has 151).",
        "The file is empty.",
        "The council has not published its charter yet.",
        "You can make up to 10 pledges.",
        "enter your name",
        "Name",
    ],
)
def test_the_check_refuses_messages_that_only_say_what_is_wrong(message):
    assert not tells_what_to_do(message)


@pytest.mark.parametrize(
    "message",
    [
        "Enter your organisation's name.",
        "The file must be 10 MB or smaller. Choose a smaller file, or add a link to it instead.",
        "Several organisations are being registered with this name. Try again.",
        "Oakfield at WV1 1RE is already registered. Ask to join it.",
    ],
)
def test_the_check_accepts_messages_that_say_what_to_do(message):
    assert tells_what_to_do(message)


def errors_of(form) -> list[str]:
    form.is_valid()
    return [message for messages in form.errors.values() for message in messages]


LONG = "x" * 3000


def test_every_charter_form_says_what_to_do(tenant_a):
    past = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
    collected = []
    with tenant_context(tenant_a):
        for data in (
            {},
            {
                "name": LONG,
                "kind": "spaceship",
                "address_line_1": "1 High Street",
                "town": "Demoton",
                "postcode": "NOT A POSTCODE",
                "website": "not a web address",
                "charity_number": "12",
                "school_urn": "abc",
            },
        ):
            collected += errors_of(OrganisationForm(data))
        collected += errors_of(SignatureForm({}))
        collected += errors_of(
            SignatureForm({"signatory_name": LONG, "signatory_job_title": LONG, "commitment": "x"})
        )
        pledges = {
            "form-TOTAL_FORMS": "3",
            "form-INITIAL_FORMS": "0",
            "form-0-text": "Pay carers",
            "form-1-target_date": past,
            "form-2-text": "Meet termly",
            "form-2-target_date": "31/13/2027",
        }
        formset = PledgeFormSet(pledges)
        formset.is_valid()
        collected += [m for errors in formset.errors for ms in errors.values() for m in ms]
        too_many = PledgeFormSet({"form-TOTAL_FORMS": "11", "form-INITIAL_FORMS": "0"})
        too_many.is_valid()
        collected += list(too_many.non_form_errors())
        collected += errors_of(WithdrawForm({}))
        collected += errors_of(InviteMemberForm({}))
        collected += errors_of(InviteMemberForm({"email": "not-an-email"}))
        collected += errors_of(PledgeMetForm({}))
        collected += errors_of(PledgeMetForm({"met_on": "the day before yesterday"}))

    assert len(collected) >= 20
    assert failing(collected) == []


def test_every_application_form_says_what_to_do(tenant_a, criteria_a, round_a, published_a):
    collected = []
    with tenant_context(tenant_a):
        start = {
            "rounds": accreditation_selectors.open_rounds(),
            "levels": accreditation_selectors.levels(),
        }
        collected += errors_of(StartApplicationForm({}, **start))
        collected += errors_of(StartApplicationForm({"round": "999999"}, **start))
        principles = list(published_a.principles.all()[:2])
        ladder = self_assessment_form_class(principles, {})
        collected += errors_of(ladder({}))
        collected += errors_of(
            ladder({f"rung_{principles[0].pk}": "top", f"reason_{principles[0].pk}": LONG})
        )
        evidence = {"criteria": Criterion.objects.all(), "max_mb": 20}
        collected += errors_of(EvidenceForm({}, **evidence))
        for kind in ("file", "link", "account", "you_said_we_did"):
            collected += errors_of(
                EvidenceForm(
                    {"kind": kind, "title": "Minutes", "criteria": [criteria_a[0].pk]}, **evidence
                )
            )
        collected += errors_of(
            EvidenceForm(
                {
                    "kind": "link",
                    "title": LONG,
                    "criteria": ["999999"],
                    "url": "not a web address",
                    "changed_on": "31/13/2026",
                    "shows_people": "on",
                },
                **evidence,
            )
        )
        collected += errors_of(SubmitResponseForm({}))
        collected += errors_of(WithdrawApplicationForm({"reason": LONG}))
        collected += errors_of(CertificateLookupForm({"number": ""}))
        collected += errors_of(CertificateLookupForm({"number": LONG}))
        collected += errors_of(ConcernForm({}))
        collected += errors_of(ConcernForm({"details": LONG, "contact_email": "nobody"}))

    assert len(collected) >= 25
    assert failing(collected) == []


# The services the public and applicants use, and the refusals they raise.
SERVICE_MODULES = [
    "charters/services/signing.py",
    "charters/services/organisations.py",
    "accreditation/services/applications.py",
    "accreditation/services/state.py",
    "accreditation/uploads.py",
    "accreditation/services/awards.py",
    "accreditation/views/organisation.py",
    "accreditation/views/verify.py",
]
REFUSALS = {"CharterError", "AccreditationError", "ValidationError"}


def _text(node: ast.AST) -> str | None:
    """A string literal or f-string (placeholders read as "Oakfield"), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "Oakfield" for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return left + (right or "Oakfield") if left is not None else None
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("_", "gettext")
        and node.args
    ):
        return _text(node.args[0])  # a translatable message: its English msgid
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        # _("... %(name)s ...") % {...}: placeholders read as "Oakfield"
        left = _text(node.left)
        return re.sub(r"%\(\w+\)[sd]", "Oakfield", left) if left is not None else None
    return None


def service_refusals() -> list[str]:
    found = []
    for path in SERVICE_MODULES:
        tree = ast.parse((Path(settings.BASE_DIR) / path).read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            arguments = []
            if name in REFUSALS:
                arguments += node.args[:1]
            if name == "add_error":
                arguments += node.args[1:2]
            arguments += [k.value for k in node.keywords if k.arg == "refusal"]
            found += [text for text in map(_text, arguments) if text is not None]
    return found


def test_every_refusal_of_the_applicants_services_says_what_to_do():
    refusals = service_refusals()
    assert len(refusals) >= 25
    assert failing(refusals) == []


def main_text(html: str) -> list[str]:
    """The paragraphs inside <main>, as text."""
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return [" ".join(strip_tags(p).split()) for p in re.findall(r"<p[ >].*?</p>", main, re.S)]


def says_what_to_do(paragraphs: list[str]) -> bool:
    return any(tells_what_to_do(p) for p in paragraphs)


def test_the_not_found_and_forbidden_pages_say_what_to_do(tenant_a, lead_a, client_a):
    not_found = client_a.get("/no-such-page/")
    assert not_found.status_code == 404
    assert says_what_to_do(main_text(not_found.content.decode()))

    login(client_a, tenant_a, lead_a)
    forbidden = client_a.get("/manage/charter/")
    assert forbidden.status_code == 403
    assert says_what_to_do(main_text(forbidden.content.decode()))


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("413.html", {"refusal": "The file is too large. Files can be up to 20 MB."}),
        ("429.html", {"message": "You have raised too many concerns.", "wait": "in 3 minutes"}),
        ("429.html", {"message": "You have looked up too many certificates.", "wait": None}),
    ],
)
def test_the_too_large_and_too_many_pages_say_what_to_do(tenant_a, template, context):
    request = RequestFactory().get("/")
    request.tenant, request.user = tenant_a, AnonymousUser()
    with tenant_context(tenant_a):
        html = render_to_string(template, context, request=request)
    assert says_what_to_do(main_text(html))


def test_the_closed_site_page_says_what_to_do(tenant_a):
    closed = copy.copy(tenant_a)  # the session's tenant stays as it is
    closed.status, closed.status_changed_at = LifecycleStatus.CLOSED, timezone.now()
    request = RequestFactory().get("/")
    request.tenant, request.user = closed, AnonymousUser()
    with tenant_context(tenant_a):
        html = render_to_string("tenants/closed.html", {"tenant": closed}, request=request)
    assert "To check one, open the web address or scan the QR code printed on it." in html
    assert says_what_to_do(main_text(html))
