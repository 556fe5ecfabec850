"""Whole public pages from the cache (charters/page_cache.py): a hit runs no query and no
template; whatever the public sees changes on the next request after a committed change; signed-in
people, other councils, other languages and reading modes never share an entry."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django_tenants.utils import tenant_context

from accreditation.services import revoke_award, update_level
from charters import page_cache, public_cache
from tenants.enums import LifecycleStatus
from tenants.services import set_tenant_status, update_branding
from tests.fixtures.awards import make_award
from tests.fixtures.charters import publish_current_draft, sign
from tests.helpers import committed, host_of, login

PUBLIC_PATHS = [
    "/",
    "/accessibility/",
    "/charter/",
    "/charter/easy-read/",
    "/register/",
    "/register/?q=oak",
    "/register.csv",
    "/register.json",
    "/register/oakfield-primary-school/",
    "/badge/oakfield-primary-school.svg",
]


@pytest.fixture(autouse=True)
def page_cache_on(settings, tenant_a, tenant_b):
    """The page cache on (the suite runs without it), and no entry left by an earlier test, whose
    rolled-back data may have matched the same generation."""
    settings.PUBLIC_PAGE_CACHE = True
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            public_cache.invalidate()


@pytest.fixture
def signed(tenant_a, published_a, organisation_a, lead_a):
    return sign(tenant_a, organisation_a, lead_a)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_twice(client, path, django_assert_num_queries, **extra):
    """The first answer (built), and the second (a hit: no query, no template)."""
    first = client.get(path, **extra)
    assert first.status_code == 200
    # /charter/easy-read/ sets the reading-mode cookie, which is in the key: stored once more.
    client.get(path, **extra)
    with django_assert_num_queries(0):
        second = client.get(path, **extra)
    assert second.templates == []
    return first, second


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_hit_runs_no_query_and_no_template_and_keeps_the_headers(
    client_a, signed, path, django_assert_num_queries
):
    first, second = get_twice(client_a, path, django_assert_num_queries)

    assert body(second) == body(first)
    for header in ("Content-Type", "Vary", "Content-Security-Policy", "X-Frame-Options"):
        assert second.get(header) == first.get(header), header
    assert second["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "csrfmiddlewaretoken" not in body(second).decode()


def test_a_verification_page_is_a_hit_too(client_a, award_a, django_assert_num_queries):
    path = f"/verify/{award_a.verification_code}/"
    first, second = get_twice(client_a, path, django_assert_num_queries)
    assert body(second) == body(first)


def test_head_is_served_from_the_page_a_get_stored(client_a, signed, django_assert_num_queries):
    client_a.head("/charter/")  # a HEAD does not fill the cache ...
    client_a.get("/charter/")
    with django_assert_num_queries(0):
        head = client_a.head("/charter/")  # ... but is answered from it
    assert head.status_code == 200
    assert head["Content-Type"].startswith("text/html")


def test_the_easy_read_address_sets_its_cookie_on_every_hit(client_a, signed):
    client_a.get("/charter/easy-read/")
    client = Client(HTTP_HOST=client_a.defaults["HTTP_HOST"])
    hit = client.get("/charter/easy-read/")
    assert hit.templates == []
    assert hit.cookies["reading_mode"].value == "easy-read"
    assert hit.cookies["reading_mode"]["max-age"] == 365 * 24 * 60 * 60


def test_signing_shows_on_the_register_the_badge_and_open_data_at_once(
    client_a, tenant_a, published_a, organisation_a, lead_a
):
    before = {path: body(client_a.get(path)) for path in ("/register/", "/register.csv")}
    assert client_a.get("/badge/oakfield-primary-school.svg").status_code == 404

    sign(tenant_a, organisation_a, lead_a)

    assert b"Oakfield Primary School" not in before["/register/"]
    assert b"Oakfield Primary School" in body(client_a.get("/register/"))
    assert b"Oakfield Primary School" in body(client_a.get("/register.csv"))
    assert client_a.get("/badge/oakfield-primary-school.svg").status_code == 200


def test_publishing_the_charter_shows_on_the_home_page_at_once(client_a, tenant_a, officer_a):
    assert "Our charter is being written." in client_a.get("/").content.decode()
    client_a.get("/")  # cached

    publish_current_draft(tenant_a, officer_a)

    assert "Our charter is being written." not in client_a.get("/").content.decode()


def test_revoking_an_award_shows_at_once(client_a, tenant_a, award_a, officer_a):
    path = f"/verify/{award_a.verification_code}/"
    assert "This certificate is valid" in client_a.get(path).content.decode()
    client_a.get(path)

    with tenant_context(tenant_a), committed():
        revoke_award(award_a, acting_user=officer_a, reason="Found to be untrue.")

    assert "Found to be untrue." in client_a.get(path).content.decode()


def test_renaming_an_award_level_shows_at_once(client_a, tenant_a, award_a, officer_a):
    path = f"/verify/{award_a.verification_code}/"
    client_a.get(path)
    client_a.get(path)

    with tenant_context(tenant_a), committed():
        level = award_a.level
        update_level(
            level, acting_user=officer_a, name="Gold Charter Status", position=1, description=""
        )

    assert "Gold Charter Status" in client_a.get(path).content.decode()


def test_granting_an_award_shows_at_once(client_a, tenant_a, signed, django_assert_num_queries):
    get_twice(client_a, "/register/", django_assert_num_queries)
    assert b"Charter Status</strong>" not in body(client_a.get("/register/"))

    with committed():
        make_award(tenant_a, signed.organisation)
        with tenant_context(tenant_a):
            public_cache.invalidate()  # as the award services do after commit

    assert b"Charter Status</strong>" in body(client_a.get("/register/"))


def test_a_change_of_status_or_branding_misses_at_once(client_a, tenant_a, signed):
    client_a.get("/charter/")
    was = tenant_a.status
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    try:
        assert client_a.get("/charter/").status_code == 410  # not the page stored while open
    finally:
        set_tenant_status(tenant_a, was, acting_user=None)

    client_a.get("/charter/")  # built again: the row changed (its status's time)
    stored = client_a.get("/charter/")
    assert stored.templates == []
    update_branding(tenant_a, brand_colour="#00703c")
    rebuilt = client_a.get("/charter/")
    assert rebuilt.templates != []  # the tenant's row changed: the page is built again


def test_each_language_and_reading_mode_is_a_page_of_its_own(
    client_a, signed, django_assert_num_queries
):
    english = client_a.get("/charter/")
    _, welsh = get_twice(
        client_a, "/charter/", django_assert_num_queries, HTTP_ACCEPT_LANGUAGE="cy"
    )
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    with django_assert_num_queries(0):
        welsh_by_cookie = client_a.get("/charter/")
    del client_a.cookies[settings.LANGUAGE_COOKIE_NAME]
    client_a.cookies["reading_mode"] = "easy-read"
    easy = client_a.get("/charter/")

    assert welsh["Content-Language"] == welsh_by_cookie["Content-Language"] == "cy"
    assert english["Content-Language"] == "en-gb"
    assert welsh.content != english.content
    assert easy.templates != []  # built, not the standard page
    assert easy.content != english.content


def test_signed_in_people_never_get_or_fill_a_stored_page(
    client_a, tenant_a, signed, officer_a, django_assert_max_num_queries
):
    client_a.get("/charter/")  # stored for everyone without a session
    login(client_a, tenant_a, officer_a)
    signed_in = client_a.get("/charter/")
    assert signed_in.templates != []
    assert "Sign out" in signed_in.content.decode()

    other = Client(HTTP_HOST=host_of(tenant_a))
    login(other, tenant_a, officer_a)
    other.get("/register/")  # built for a signed-in person: not stored
    anonymous = Client(HTTP_HOST=host_of(tenant_a)).get("/register/")
    assert anonymous.templates != []
    assert "Sign out" not in anonymous.content.decode()


def test_two_councils_never_share_an_entry(client_a, client_b, signed):
    alpha = client_a.get("/charter/")
    client_a.get("/charter/")
    beta = client_b.get("/charter/")
    assert beta.templates != []
    assert b"Alpha City Council" in alpha.content
    assert b"Alpha City Council" not in beta.content


def test_a_spoofed_or_unknown_host_gets_no_stored_page(client_a, signed):
    client_a.get("/charter/")
    assert Client(HTTP_HOST="evil.example").get("/charter/").status_code in (400, 404)
    # Another port of the same council: a page of its own (never one built for another Host).
    port = Client(HTTP_HOST=f"{client_a.defaults['HTTP_HOST']}:8443").get("/charter/")
    assert port.templates != []


def test_pages_with_a_csrf_token_or_cookies_are_never_stored(client_a, signed):
    # The certificate lookup form's page and a register query it does not know stay out.
    for path in ("/verify/", "/register/?utm_source=poster", "/accounts/login/"):
        client_a.get(path)
        assert client_a.get(path).templates != [], path


def test_messages_waiting_bypass_the_cache(client_a, signed):
    client_a.get("/charter/")
    client_a.cookies["messages"] = "anything"
    assert client_a.get("/charter/").templates != []


# A miss (the page built, as after every change): the queries each public page costs a reader
# without a session, pinned. None reads the session, the user or the billing subscription; each
# count includes setting the schema's search path (a page that reads nothing does not set it).
MISS_QUERIES = {
    "/": 2,
    "/accessibility/": 0,
    "/charter/": 3,
    "/charter/easy-read/": 3,
    "/register/": 6,
    "/register/?q=oak": 6,
    "/register.csv": 3,
    "/register.json": 3,
    # The version's number only, not its principles (which the page does not show).
    "/register/oakfield-primary-school/": 4,
    "/badge/oakfield-primary-school.svg": 3,
}


@pytest.mark.parametrize("path", list(MISS_QUERIES))
def test_a_miss_costs_the_pinned_queries(
    client_a, tenant_a, signed, path, settings, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE = False
    client_a.get(path)  # warm: the tenant by host cached, as in steady use
    with tenant_context(tenant_a):
        public_cache.invalidate()  # open data and badges are cached: count building them
    with django_assert_num_queries(MISS_QUERIES[path]):
        assert client_a.get(path).status_code == 200


def _response(**changes):
    response = HttpResponse("<p>page</p>")
    for change, value in changes.items():
        if change == "cookie":
            response.set_cookie(value, "x")
        elif change == "status":
            response.status_code = value
        else:
            response[change] = value
    return response


@pytest.mark.parametrize(
    "changes, csrf_used, stored",
    [
        ({}, False, True),
        ({}, True, False),  # a CSRF token in the page belongs to one browser
        ({"cookie": "sessionid"}, False, False),
        ({"cookie": "csrftoken"}, False, False),
        ({"cookie": "reading_mode"}, False, True),  # the same for everyone, set again on hits
        ({"status": 404}, False, False),
        ({"status": 302}, False, False),
        ({"Cache-Control": "private, max-age=300"}, False, False),
        ({"Cache-Control": "no-store"}, False, False),
    ],
)
def test_only_pages_that_are_everyones_are_stored(changes, csrf_used, stored):
    request = RequestFactory().get("/charter/")
    if csrf_used:
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert page_cache._cacheable_response(request, _response(**changes)) is stored
    streamed = StreamingHttpResponse(iter([b"x"]))
    assert page_cache._cacheable_response(request, streamed) is False


def test_the_process_copy_is_used_only_under_the_current_generation(
    client_a, tenant_a, signed, django_assert_num_queries
):
    get_twice(client_a, "/charter/", django_assert_num_queries)
    page_cache._local.update(
        {
            key: (expiry, (entry[0], entry[1], entry[2], entry[3], b"held here"))
            for key, (expiry, entry) in page_cache._local.items()
        }
    )
    assert client_a.get("/charter/").content == b"held here"  # served from this process

    with tenant_context(tenant_a):
        public_cache.invalidate()  # another process committed a change

    rebuilt = client_a.get("/charter/")
    assert rebuilt.templates != []
    assert rebuilt.content != b"held here"
