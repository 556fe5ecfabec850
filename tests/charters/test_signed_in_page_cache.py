"""Signed-in pages kept per person (charters/signed_in_page_cache.py): a hit renders no template;
any committed write in the council shows on the next request; the permission check runs on
every request; people, browsers, languages and councils never share an entry; messages, missing
CSRF cookies, POSTs and an unreadable Redis get a page built for them.

The views that keep their pages are found in the URL conf (every view mixing the cache in), so a
view that opts in later is covered here without anyone listing it."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages import SUCCESS
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.generic import TemplateView
from django_tenants.utils import tenant_context
from prometheus_client import REGISTRY

from charters import reading_mode
from charters.models import Membership, Organisation
from charters.signed_in_page_cache import SLOTS, SignedInPageCacheMixin, without_tokens
from platform_ import data_generation
from tests.helpers import committed, host_of, login, make_user
from tests.urlconf import tenant_views_with

CSRF_SECRET = "a" * 32
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


# Who may see each kept page, and where (the slug of the organisation fixture where it needs one).
PAGES = {
    "charters:org.hub": ("lead", "/org/"),
    "charters:org.detail": ("lead", "/org/oakfield-primary-school/"),
    "manage": ("officer", "/manage/"),
    "accreditation:manage.hub": ("officer", "/manage/accreditation/"),
    "accreditation:manage.applications": ("officer", "/manage/applications/"),
    "accreditation:assess.queue": ("assessor", "/assess/"),
}


def test_every_view_that_keeps_its_page_is_tested_here():
    assert tenant_views_with(SignedInPageCacheMixin) == set(PAGES)


@pytest.fixture(autouse=True)
def signed_in_cache_on(settings, tenant_a, tenant_b):
    """The cache on (the suite runs without it), under a generation no earlier test's rolled-back
    data was kept under."""
    settings.SIGNED_IN_CACHE = True
    for tenant in (tenant_a, tenant_b):
        data_generation.bump(tenant.schema_name)


@pytest.fixture
def people(tenant_a, organisation_a, lead_a, officer_a):
    assessor = make_user(tenant_a, "assessor@alpha.test", is_assessor=True)
    return {"lead": lead_a, "officer": officer_a, "assessor": assessor}


def browser(tenant, person) -> Client:
    client = Client(HTTP_HOST=host_of(tenant))
    login(client, tenant, person)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


def rendered(response) -> bool:
    return bool(response.templates)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_second_visit_is_served_without_templates_or_page_queries(
    name, tenant_a, people, django_assert_max_num_queries
):
    role, path = PAGES[name]
    client = browser(tenant_a, people[role])
    first = client.get(path)
    assert first.status_code == 200
    assert rendered(first)
    # The person's row and the page come from Redis; only a permission that reads a row (the
    # organisation of /org/<slug>/) still asks PostgreSQL.
    with django_assert_max_num_queries(2):
        second = client.get(path)
    assert second.status_code == 200
    assert not rendered(second)
    assert without_tokens(second.content) == without_tokens(first.content)
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == "DENY"  # response middleware still runs on a kept page


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_view_that_keeps_pages_reads_a_table_whose_writes_are_not_counted(
    name, tenant_a, people
):
    """platform_/data_generation.py leaves some tables' writes out; a kept page showing one of
    them would go stale. (The session table is read by the session engine, not by pages.)"""
    role, path = PAGES[name]
    client = browser(tenant_a, people[role])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    tables = [table for table in data_generation.NOT_COUNTED if table != "django_session"]
    assert tables
    assert [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)] == []


@pytest.mark.parametrize("name", sorted(PAGES))
def test_any_committed_write_in_the_council_is_shown_on_the_next_visit(
    name, tenant_a, people, organisation_a
):
    role, path = PAGES[name]
    client = browser(tenant_a, people[role])
    client.get(path)
    assert not rendered(client.get(path))
    with tenant_context(tenant_a), committed():
        # A row no kept page shows: every write counts, not a list of events.
        Organisation.objects.filter(pk=organisation_a.pk).update(website="https://oakfield.example")
    assert rendered(client.get(path))


def test_a_change_shows_in_the_page_at_once(tenant_a, people, organisation_a):
    client = browser(tenant_a, people["lead"])
    assert b"Oakfield Primary School" in client.get("/org/").content
    client.get("/org/")
    with tenant_context(tenant_a), committed():
        organisation_a.name = "Oakfield Academy"
        organisation_a.save(update_fields=["name"])
    page = client.get("/org/").content
    assert b"Oakfield Academy" in page
    assert b"Oakfield Primary School" not in page


def test_the_permission_check_runs_before_a_kept_page_is_served(tenant_a, people, organisation_a):
    client = browser(tenant_a, people["lead"])
    path = "/org/oakfield-primary-school/"
    assert client.get(path).status_code == 200
    assert not rendered(client.get(path))
    with tenant_context(tenant_a):
        # Not committed, so no bump: the page is still kept, and must not be served.
        Membership.objects.filter(user=people["lead"]).delete()
    assert client.get(path).status_code == 403


def test_one_persons_page_is_never_anothers(tenant_a, people, organisation_a):
    other = make_user(tenant_a, "someone.else@alpha.test")
    lead = browser(tenant_a, people["lead"])
    stranger = browser(tenant_a, other)  # the same CSRF secret, the same path
    assert b"Oakfield Primary School" in lead.get("/org/").content
    assert not rendered(lead.get("/org/"))
    page = stranger.get("/org/")
    assert rendered(page)
    assert b"Oakfield Primary School" not in page.content


def test_each_language_and_reading_mode_has_its_own_page(tenant_a, people):
    client = browser(tenant_a, people["lead"])
    client.get("/org/")
    assert not rendered(client.get("/org/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    welsh = client.get("/org/")
    assert rendered(welsh)
    assert welsh["Content-Language"] == "cy"
    assert not rendered(client.get("/org/"))
    client.cookies[reading_mode.COOKIE_NAME] = reading_mode.EASY_READ
    assert rendered(client.get("/org/"))


def test_another_browser_of_the_same_person_gets_the_page_with_tokens_of_its_own(tenant_a, people):
    """Tokens are not kept: each hit gets fresh ones for its own CSRF secret, and they post."""
    laptop = browser(tenant_a, people["lead"])
    phone = browser(tenant_a, people["lead"])
    phone.cookies[settings.CSRF_COOKIE_NAME] = "p" * 32
    phone_csrf = Client(enforce_csrf_checks=True, HTTP_HOST=host_of(tenant_a))
    phone_csrf.cookies = phone.cookies
    built = laptop.get("/org/")
    kept = phone_csrf.get("/org/")
    assert rendered(built)
    assert not rendered(kept)
    token = TOKEN.search(kept.content.decode()).group(1)
    assert token not in built.content.decode()
    signed_out = phone_csrf.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302  # not 403: the token is valid for this browser


def test_a_browser_without_a_csrf_cookie_is_given_one_with_the_kept_page(tenant_a, people):
    laptop = browser(tenant_a, people["lead"])
    laptop.get("/org/")
    fresh = Client(HTTP_HOST=host_of(tenant_a))
    login(fresh, tenant_a, people["lead"])
    fresh.cookies.pop(settings.CSRF_COOKIE_NAME, None)
    kept = fresh.get("/org/")
    assert not rendered(kept)
    assert settings.CSRF_COOKIE_NAME in kept.cookies


def test_a_page_with_a_token_outside_a_form_input_is_not_kept():
    page = b'<form><input type="hidden" name="csrfmiddlewaretoken" value="%s"></form>' % (b"x" * 64)
    assert without_tokens(page) is not None
    assert without_tokens(page + b'<div data-token="' + b"x" * 64 + b'">') is None
    assert without_tokens(page + b"<script>csrfmiddlewaretoken</script>") is None


def test_a_person_holds_a_bounded_number_of_pages(tenant_a, people):
    """Made-up query strings cannot fill the Redis that holds everyone's sessions."""
    client = browser(tenant_a, people["officer"])
    for number in range(3 * SLOTS):
        client.get(f"/manage/applications/?made-up={number}")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    pattern = f"{tenant_a.schema_name}:{prefix}:*signed-in-page:{people['officer'].pk}:*"
    held = cache._cache.get_client().keys(pattern)
    assert 0 < len(held) <= SLOTS


def test_new_branding_misses_at_once(tenant_a, people):
    client = browser(tenant_a, people["lead"])
    client.get("/org/")
    assert not rendered(client.get("/org/"))
    tenant_a.name = "Alpha Borough Council"
    tenant_a.save(update_fields=["name"])
    page = client.get("/org/")
    assert rendered(page)
    assert b"Alpha Borough Council" in page.content


def test_messages_waiting_are_shown_not_a_kept_page(tenant_a, people):
    client = browser(tenant_a, people["lead"])
    client.get("/org/")
    # What a view that redirects here leaves: a signed message cookie.
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(SUCCESS, "Your request was sent.")])
    page = client.get("/org/")
    assert rendered(page)
    assert b"Your request was sent." in page.content
    # The message is shown once; the page kept before it (without it) is served again after.
    again = client.get("/org/")
    assert not rendered(again)
    assert b"Your request was sent." not in again.content


def test_only_get_fills_and_head_is_served_the_kept_page(tenant_a, people):
    client = browser(tenant_a, people["lead"])
    head = client.head("/org/")
    assert head.status_code == 200
    assert rendered(client.get("/org/"))  # HEAD stored nothing
    assert not rendered(client.head("/org/"))


def test_signed_out_people_are_never_served_a_kept_page(tenant_a, people):
    client = browser(tenant_a, people["lead"])
    client.get("/org/")
    client.logout()
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    response = client.get("/org/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_while_redis_cannot_be_read_every_page_is_built(tenant_a, people):
    client = browser(tenant_a, people["lead"])
    client.get("/org/")
    assert not rendered(client.get("/org/"))
    outage = cache._outage
    outage.down_since, outage.retry_at = time.monotonic(), time.monotonic() + 60
    try:
        for _ in range(2):
            page = client.get("/org/")
            assert page.status_code == 200
            assert rendered(page)
    finally:
        outage.down_since, outage.retry_at = None, 0.0


def test_the_cache_must_come_after_the_permission_check():
    with pytest.raises(TypeError, match="after its permission mixin"):

        class Wrong(SignedInPageCacheMixin, PermissionRequiredMixin, TemplateView):
            pass

    with pytest.raises(TypeError, match="after its permission mixin"):

        class Unguarded(SignedInPageCacheMixin, TemplateView):
            pass


def test_each_answer_is_counted_for_the_hit_rate(tenant_a, people):
    def count(outcome):
        return REGISTRY.get_sample_value("cocharter_signed_in_pages_total", {"outcome": outcome})

    client = browser(tenant_a, people["lead"])
    before = {outcome: count(outcome) or 0 for outcome in ("hit", "stored", "built", "skipped")}
    client.head("/org/")  # built: a HEAD stores nothing
    client.get("/org/")  # stored
    client.get("/org/")  # hit
    client.cookies["messages"] = CookieStorage(RequestFactory().get("/"))._encode(
        [Message(SUCCESS, "Saved.")]
    )
    client.get("/org/")  # skipped: a message waits
    after = {outcome: count(outcome) or 0 for outcome in before}
    assert {k: after[k] - before[k] for k in before} == {
        "hit": 1,
        "stored": 1,
        "built": 1,
        "skipped": 1,
    }
