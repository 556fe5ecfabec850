"""Who sees what: every URL that shows application data, for every role, in each state.

The URLs come from the URL conf: every pattern that takes an id or a slug must be classified
below, either in MATRIX (it shows application, evidence, assignment or organisation data, and
each role's outcome is stated) or in NOT_APPLICATION_DATA (with the reason). A URL added later
fails ``test_every_url_taking_an_id_or_slug_is_classified`` until someone decides which it is.

The rule under test (DESIGN §13): evidence (titles, written accounts, "you said, we did",
links, file names) is shown only to the organisation's members, council officers, and an
assessor while assigned and after declaring no conflict, on every page and download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from accreditation.enums import ApplicationStatus
from tests.helpers import host_of, login
from tests.urlconf import TENANT_URLCONF, parameters, tenant_routes
from tests.worlds import ASSESSED_STATES, ASSIGNED, ROLES, World, build_world

MEMBERS = {"member", "lead"}
LEAD = {"lead"}
OFFICER = {"officer"}
ASSESSORS = {"assessor_unassigned", *ASSIGNED}
SIGNED_IN = set(ROLES) - {"anonymous"}
EDITABLE = set(ApplicationStatus.editable_by_applicant())


def evidence_readers(state: str) -> set[str]:
    """Members and officers; and the cleared assessor, once there are assessors."""
    cleared = {"assessor_cleared"} if state in ASSESSED_STATES else set()
    return MEMBERS | OFFICER | cleared


@dataclass(frozen=True)
class Url:
    """How one URL answers each role in a given application state."""

    kwargs: Callable[[World, str], dict | None]  # None: no such object in this state
    open_to: Callable[[str], set[str]]  # roles that get ``status``
    evidence_to: Callable[[str], set[str]] = lambda state: set()  # roles shown evidence
    status: int = 200  # 405 for POST-only actions: the GET passes the permission check
    refused: int = 403  # for signed-in roles not in open_to
    anonymous: str = "login"  # or "public" (200), or "404"


def application(world, role):
    return {"slug": world.organisation.slug, "pk": world.application.pk}


def organisation(world, role):
    return {"slug": world.organisation.slug}


def award(world, role):
    """The award, in a world whose application was awarded."""
    if "award" not in world.objects:
        return None
    return {"slug": world.organisation.slug, "pk": world.objects["award"].pk}


def always(roles):
    return lambda state: set(roles)


def when_editable(roles):
    return lambda state: set(roles) if state in EDITABLE else set()


def own_assignment(world, role):
    """The role's own assignment, or (for everyone else) the cleared assessor's."""
    assignment = world.assignments.get(role) or world.assignments.get("assessor_cleared")
    return {"pk": assignment.pk} if assignment else None


MATRIX: dict[str, Url] = {
    # The organisation's area: its members and the council; never its assessors.
    "accreditation:applications": Url(organisation, always(MEMBERS | OFFICER)),
    "accreditation:application.detail": Url(
        application, always(MEMBERS | OFFICER), evidence_to=always(MEMBERS | OFFICER)
    ),
    "accreditation:application.self_assessment": Url(application, when_editable(MEMBERS)),
    "accreditation:application.evidence.add": Url(application, when_editable(MEMBERS)),
    "accreditation:application.evidence.remove": Url(
        lambda w, r: {**application(w, r), "evidence_pk": w.evidence["account"].pk},
        when_editable(MEMBERS),
        status=405,
    ),
    "accreditation:application.submit": Url(application, always(LEAD)),
    # Answering a request for more information shows the application page itself.
    "accreditation:application.respond": Url(application, always(LEAD), evidence_to=always(LEAD)),
    "accreditation:application.withdraw": Url(application, always(LEAD)),
    # Renewing (POST only): the lead, whatever the application's state.
    "accreditation:applications.renew": Url(organisation, always(LEAD), status=405),
    # Officers.
    **{
        name: Url(
            lambda w, r: {"pk": w.application.pk},
            always(OFFICER),
            evidence_to=always(OFFICER),
        )
        for name in (
            "accreditation:manage.application",
            "accreditation:manage.application.assign",
            "accreditation:manage.application.decide",
            # Revoke and re-issue show the application page on a GET, as assign and decide do.
            "accreditation:manage.application.award.revoke",
            "accreditation:manage.application.award.reissue",
        )
    },
    # Assessors: the declaration page for their own assignment; evidence once cleared.
    "accreditation:assess.assignment": Url(
        own_assignment,
        lambda state: set(ASSIGNED) if state in ASSESSED_STATES else set(),
        evidence_to=lambda state: {"assessor_cleared"} if state in ASSESSED_STATES else set(),
    ),
    # The download: not found, rather than forbidden, for everyone who may not read evidence.
    "accreditation:evidence.file": Url(
        lambda w, r: {"pk": w.evidence["file"].pk},
        evidence_readers,
        evidence_to=evidence_readers,
        refused=404,
        anonymous="404",
    ),
    # The award's certificate and credential: the organisation's people and the council; not
    # found for anyone else signed in (the public has the verification page).
    **{
        name: Url(award, always(MEMBERS | OFFICER), refused=404)
        for name in (
            "accreditation:award.certificate",
            "accreditation:award.certificate_text",
            "accreditation:award.credential",
        )
    },
    # Organisation pages: organisation data, never evidence.
    "charters:org.detail": Url(organisation, always(MEMBERS | OFFICER)),
    "charters:org.join": Url(organisation, always(SIGNED_IN)),
    "charters:org.members.invite": Url(organisation, always(LEAD), status=405),
    "charters:org.members.approve": Url(
        lambda w, r: {**organisation(w, r), "pk": w.objects["join_request"].pk},
        always(LEAD),
        status=405,
    ),
    "charters:org.members.decline": Url(
        lambda w, r: {**organisation(w, r), "pk": w.objects["join_request"].pk},
        always(LEAD),
        status=405,
    ),
    "charters:org.sign": Url(organisation, always(LEAD)),
    "charters:org.withdraw": Url(organisation, always(LEAD)),
    "charters:org.pledge.met": Url(
        lambda w, r: {**organisation(w, r), "pk": w.objects["pledge"].pk}, always(LEAD)
    ),
    # Public pages about the organisation.
    "charters:register.entry": Url(organisation, always(SIGNED_IN), anonymous="public"),
    "charters:badge": Url(organisation, always(SIGNED_IN), anonymous="public"),
    # The council dashboard's CSVs (counts, assessors' names, principles): officers only. The
    # ladder names the world's principles, so the twin tenant test sees whose they are.
    "manage.dashboard.csv": Url(lambda w, r: {"name": "ladder"}, always(OFFICER)),
}

# Pages that list applications but take no id: in the matrix too, though not in the URL check.
LISTS: dict[str, Url] = {
    "accreditation:manage.applications": Url(lambda w, r: {}, always(OFFICER)),
    "accreditation:assess.queue": Url(lambda w, r: {}, always(ASSESSORS)),
    # The council dashboard: counts of applications, awards ending, assessors' load.
    "manage": Url(lambda w, r: {}, always(OFFICER)),
}

NOT_APPLICATION_DATA = {
    "charters:principle.picture": "a charter principle's picture, public once published",
    "charters:manage.principle.edit": "a principle of the council's draft charter",
    "charters:manage.principle.remove": "a principle of the council's draft charter",
    "charters:manage.principle.move": "a principle of the council's draft charter",
    "charters:manage.version": "a published charter version",
    "accreditation:manage.level": "an award level of the council",
    "accreditation:manage.criterion": "a criterion of the council's charter",
    "accreditation:manage.round": "an award round",
    "accounts:invitation.revoke": "an invitation to join the council as officer or assessor",
    "accreditation:verify": "an award's public verification page: public by design, no people",
    "accreditation:verify.concern": "the public form to raise a concern about an award",
    "accreditation:verify.concern.sent": "the confirmation after raising a concern",
    "accreditation:manage.concern": "a concern about an award (tests/accreditation/test_concerns)",
    "accreditation:manage.concern.close": "closing a concern (POST; officers only)",
    "accreditation:manage.concern.reassess": "an early reassessment (POST; officers only)",
    "exports:download": "a data export of the whole council: officers only (tests/exports)",
    # The REST API answers keys, not sessions; tests/isolation/test_api_isolation.py runs every
    # API route with the other council's key, and tests/api each endpoint with each scope.
    "api:register.entry": "REST: a register entry, public by design, no people",
    "api:verify": "REST: an award's public verification, public by design, no people",
    "api:organisation": "REST, with a council key: an organisation",
    "api:application": "REST, with a council key: an application's state, no evidence",
    "api:export": "REST, with a council key: a data export's status",
    "api:export.download": "REST, with a council key: a data export's zip",
    "api_keys:revoke": "an API key of the council: officers only (tests/api/test_keys.py)",
    "webhooks:endpoint": "a webhook endpoint: officers only (tests/webhooks)",
    "webhooks:endpoint.edit": "changing a webhook endpoint: officers only",
    "webhooks:endpoint.ping": "a test event to a webhook endpoint (POST; officers only)",
    "webhooks:endpoint.rotate": "a new signing secret for an endpoint (POST; officers only)",
    "webhooks:endpoint.disable": "turning an endpoint off (POST; officers only)",
    "webhooks:endpoint.enable": "turning an endpoint on (POST; officers only)",
    "webhooks:endpoint.delete": "deleting a webhook endpoint: officers only",
    "webhooks:delivery": "a webhook delivery (ids and public facts): officers only",
    "webhooks:delivery.retry": "sending a failed delivery again (POST; officers only)",
    "accounts:invitation.accept": "a signed invitation token",
    "language": "a language code (the switcher sets a cookie and redirects), no row",
    "account_confirm_email": "allauth's email confirmation key",
    "account_reset_password_from_key": "allauth's password reset key",
    "openid_connect_login": "the council's own sign-in provider (a fixed id, this schema's row)",
    "openid_connect_callback": "its callback: a code and state for this council's session only",
}

STATES = [
    ApplicationStatus.DRAFT,
    ApplicationStatus.IN_ASSESSMENT,
    ApplicationStatus.MORE_INFO_REQUESTED,
    ApplicationStatus.AWARDED,
]


def test_every_url_taking_an_id_or_slug_is_classified():
    taking = {name for name, route in tenant_routes().items() if parameters(route)}
    assert taking == set(MATRIX) | set(NOT_APPLICATION_DATA)
    assert set(LISTS) <= set(tenant_routes())


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace") + response.get("Content-Disposition", "")


def expected_outcome(url: Url, state: str, role: str) -> tuple[int, bool]:
    """(status, shows evidence)."""
    if role == "anonymous":
        status = {"login": 302, "public": 200, "404": 404}[url.anonymous]
    elif role in url.open_to(state):
        status = url.status
    else:
        status = url.refused
    return status, status == 200 and role in url.evidence_to(state)


def check(world: World, clients: dict[str, Client], name: str, url: Url, state: str) -> list:
    """Every role's outcome at one URL, as a list of what differs from the expected."""
    problems = []
    for role in ROLES:
        kwargs = url.kwargs(world, role)
        if kwargs is None:
            continue
        path = reverse(name, urlconf=TENANT_URLCONF, kwargs=kwargs)
        response = clients[role].get(path)
        status, shows_evidence = expected_outcome(url, state, role)
        body = body_of(response)
        shown = [marker for marker in world.evidence_markers if marker in body]
        if response.status_code != status:
            problems.append(f"{name} {path} as {role}: {response.status_code}, expected {status}")
        if status == 302 and not response.get("Location", "").startswith("/accounts/login/"):
            problems.append(f"{name} as {role}: redirected to {response['Location']}")
        if shows_evidence and name == "accreditation:evidence.file":
            if body != world.file_content.decode() + world.file_disposition:
                problems.append(f"{name} as {role}: not the evidence file")
        elif shows_evidence and shown != world.evidence_markers:
            problems.append(f"{name} as {role}: evidence missing, shows only {shown}")
        if not shows_evidence and shown:
            problems.append(f"{name} as {role}: shows evidence {shown}")
    return problems


@pytest.fixture
def clients(tenant_a):
    return {role: Client(HTTP_HOST=host_of(tenant_a)) for role in ROLES}


@pytest.mark.parametrize("state", STATES)
def test_each_role_sees_evidence_only_where_the_rule_allows(tenant_a, clients, state):
    world = build_world(tenant_a, "Alpha", state)
    try:
        for role, client in clients.items():
            if role != "anonymous":
                login(client, tenant_a, world.users[role])
        problems = []
        for name, url in {**MATRIX, **LISTS}.items():
            problems += check(world, clients, name, url, state)
        assert problems == []
    finally:
        world.delete_files(tenant_a)
