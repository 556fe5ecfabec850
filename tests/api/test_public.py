"""The public endpoints: what the public pages show, nothing more, cached, with ETags."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from charters import public_cache
from charters.models import Organisation
from charters.services import withdraw_signature
from tests.factories import OrganisationFactory, SignatureFactory
from tests.fixtures.awards import make_award
from tests.helpers import committed


def test_charter_gives_the_published_version_with_its_easy_read_words(client_a, published_a):
    response = client_a.get("/api/v1/charter/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["number"] == 1
    assert body["title"] == published_a.title
    assert body["easy_read_introduction"] == published_a.easy_read_introduction
    assert [p["title"] for p in body["principles"]] == [
        p.title for p in published_a.principles.order_by("position")
    ]
    assert set(body["principles"][0]) == {
        "position",
        "title",
        "text",
        "easy_read_text",
        "picture_url",
        "picture_alt",
    }


def test_charter_before_publishing_is_a_problem_404(client_a):
    response = client_a.get("/api/v1/charter/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "/api/v1/schema/docs/#problem-not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "The council has not published its charter yet.",
        "instance": "/api/v1/charter/",
    }


def test_register_lists_only_organisations_that_agreed_to_be_listed(
    tenant_a, client_a, published_a, signed_a, organisation_a, lead_a
):
    with tenant_context(tenant_a):
        unlisted = OrganisationFactory(name="Quiet Nursery")
        SignatureFactory(organisation=unlisted, consent_to_publish=False)
        OrganisationFactory(name="Unsigned Club")

    body = client_a.get("/api/v1/register/").json()

    assert [entry["name"] for entry in body["results"]] == ["Oakfield Primary School"]
    entry = body["results"][0]
    assert entry["slug"] == "oakfield-primary-school"
    assert entry["pledges"] == [
        {
            "text": "Pay parent carers",
            "target_date": entry["pledges"][0]["target_date"],
            "state": "in progress",
        }
    ]
    # Nothing personal: no signatory, no lead, no street address.
    assert "signatory_name" not in entry and "address_line_1" not in entry
    assert "Pat Head" not in client_a.get("/api/v1/register/").content.decode()
    assert client_a.get("/api/v1/register/quiet-nursery/").status_code == 404
    assert client_a.get("/api/v1/register/unsigned-club/").status_code == 404


def test_register_filters_and_searches_as_the_page_does(tenant_a, client_a, published_a):
    with tenant_context(tenant_a):
        for name, kind, area in [
            ("Ash School", "school", "Northside"),
            ("Birch Surgery", "gp_practice", "Northside"),
            ("Cedar School", "school", "Southside"),
        ]:
            SignatureFactory(organisation=OrganisationFactory(name=name, kind=kind, area=area))
        cedar = Organisation.objects.get(name="Cedar School")
    make_award(tenant_a, cedar)

    def names(query: str) -> list[str]:
        return [e["name"] for e in client_a.get(f"/api/v1/register/?{query}").json()["results"]]

    assert names("kind=school") == ["Ash School", "Cedar School"]
    assert names("area=Northside") == ["Ash School", "Birch Surgery"]
    assert names("q=birch") == ["Birch Surgery"]
    assert names("holders=true") == ["Cedar School"]


def test_register_rejects_an_unknown_kind_with_field_errors(client_a, published_a):
    response = client_a.get("/api/v1/register/?kind=castle")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/api/v1/schema/docs/#problem-validation-error"
    assert body["errors"] == {"kind": ['"castle" is not a valid choice.']}


def test_register_pages_by_cursor_on_the_councils_own_domain(tenant_a, client_a, published_a):
    with tenant_context(tenant_a):
        for n in range(5):
            SignatureFactory(organisation=OrganisationFactory(name=f"School {n}"))

    first = client_a.get("/api/v1/register/?page_size=2").json()
    second = client_a.get(first["next"].removeprefix("http://alpha.localhost")).json()
    third = client_a.get(second["next"].removeprefix("http://alpha.localhost")).json()

    assert first["next"].startswith("http://alpha.localhost/api/v1/register/?cursor=")
    assert [e["name"] for e in first["results"]] == ["School 0", "School 1"]
    assert [e["name"] for e in second["results"]] == ["School 2", "School 3"]
    assert [e["name"] for e in third["results"]] == ["School 4"]
    assert third["next"] is None


def test_pagination_links_ignore_the_requests_host_header(tenant_a, client_a, published_a):
    with tenant_context(tenant_a):
        for n in range(3):
            SignatureFactory(organisation=OrganisationFactory(name=f"School {n}"))
    # A Host the proxy would route here (an alias of the council's domain) must not reach
    # links that are cached for everyone.
    body = client_a.get(
        "/api/v1/register/?page_size=1", HTTP_X_FORWARDED_HOST="evil.example"
    ).json()
    assert body["next"].startswith("http://alpha.localhost/")


def test_awards_lists_released_awards_of_listed_organisations_only(
    tenant_a, client_a, published_a, signed_a, organisation_a
):
    held = make_award(tenant_a, organisation_a, certificate_number="ALPH-2027-0001")
    make_award(
        tenant_a,
        organisation_a,
        certificate_number="ALPH-2027-0002",
        released_at=None,
        public_from=timezone.now() + timedelta(days=30),
    )
    with tenant_context(tenant_a):
        unlisted = OrganisationFactory(name="Quiet Nursery")
        SignatureFactory(organisation=unlisted, consent_to_publish=False)
    make_award(tenant_a, unlisted, certificate_number="ALPH-2027-0003")

    body = client_a.get("/api/v1/awards/").json()

    assert body["results"] == [
        {
            "certificate_number": "ALPH-2027-0001",
            "organisation": "Oakfield Primary School",
            "organisation_slug": "oakfield-primary-school",
            "level": "Charter Status",
            "awarded_at": body["results"][0]["awarded_at"],
            "expires_on": held.expires_on.isoformat(),
            "status": "valid",
            "status_label": "Valid",
            "revoked_at": None,
            "revocation_reason": "",
            "verification_url": f"http://alpha.localhost/verify/{held.verification_code}/",
        }
    ]


def test_awards_holding_leaves_out_revoked_and_expired(
    tenant_a, client_a, published_a, signed_a, organisation_a
):
    make_award(tenant_a, organisation_a, certificate_number="ALPH-2027-0001")
    make_award(
        tenant_a, organisation_a, certificate_number="ALPH-2027-0002", revoked_at=timezone.now()
    )
    make_award(
        tenant_a,
        organisation_a,
        certificate_number="ALPH-2027-0003",
        expires_on=timezone.localdate() - timedelta(days=1),
    )

    every = client_a.get("/api/v1/awards/").json()["results"]
    holding = client_a.get("/api/v1/awards/?holding=true").json()["results"]

    assert [(a["certificate_number"], a["status"]) for a in every] == [
        ("ALPH-2027-0003", "expired"),
        ("ALPH-2027-0002", "revoked"),
        ("ALPH-2027-0001", "valid"),
    ]
    assert [a["certificate_number"] for a in holding] == ["ALPH-2027-0001"]


def test_verify_shows_an_award_by_its_code_and_hides_embargoed_ones(
    tenant_a, client_a, published_a, award_a
):
    embargoed = make_award(
        tenant_a, released_at=None, public_from=timezone.now() + timedelta(days=3)
    )

    body = client_a.get(f"/api/v1/verify/{award_a.verification_code}/").json()
    hidden = client_a.get(f"/api/v1/verify/{embargoed.verification_code}/")
    unknown = client_a.get("/api/v1/verify/no-such-code/")

    assert (body["certificate_number"], body["status"]) == ("ALPH-2027-0042", "valid")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"] == unknown.json()["detail"] == "No certificate has this code."


def test_public_answers_are_cached_until_something_public_changes(
    tenant_a, client_a, published_a, signed_a, organisation_a, lead_a, django_assert_num_queries
):
    client_a.get("/api/v1/register/")

    with django_assert_num_queries(0):
        cached = client_a.get("/api/v1/register/")
    assert [e["name"] for e in cached.json()["results"]] == ["Oakfield Primary School"]

    # Withdrawing goes through the service, which bumps the public cache after commit.
    with tenant_context(tenant_a), committed():
        withdraw_signature(organisation_a, acting_user=lead_a, reason="Closing")
    assert client_a.get("/api/v1/register/").json()["results"] == []


def test_reads_carry_an_etag_and_answer_304_when_it_matches(client_a, published_a):
    first = client_a.get("/api/v1/charter/")
    etag = first["ETag"]

    again = client_a.get("/api/v1/charter/", HTTP_IF_NONE_MATCH=etag)
    other = client_a.get("/api/v1/charter/", HTTP_IF_NONE_MATCH='"something-else"')

    assert etag.startswith('"') and len(etag) == 34
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert other.status_code == 200


def test_the_etag_changes_when_the_answer_changes(tenant_a, client_a, published_a):
    before = client_a.get("/api/v1/register/")["ETag"]
    with tenant_context(tenant_a):
        SignatureFactory(organisation=OrganisationFactory(name="New School"))
        public_cache.invalidate()
    after = client_a.get("/api/v1/register/", HTTP_IF_NONE_MATCH=before)

    assert after.status_code == 200
    assert after["ETag"] != before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_public_endpoints_are_read_only(client_a, published_a, method):
    response = getattr(client_a, method)("/api/v1/charter/", content_type="application/json")

    assert response.status_code == 405
    assert response.json()["type"] == "/api/v1/schema/docs/#problem-method-not-allowed"
