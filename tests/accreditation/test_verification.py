"""/verify/<code>/: what the public sees of an award in each status, nothing personal, nothing of
embargoed awards or other councils; the lookup by number; the whole-page cache."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from charters import public_cache
from tenants.enums import LifecycleStatus
from tenants.services import set_tenant_status, update_contact_email
from tests.fixtures.awards import make_award
from tests.fixtures.charters import publish_current_draft
from tests.helpers import login


def verify(client, award):
    return client.get(f"/verify/{award.verification_code}/")


def text(response) -> str:
    return response.content.decode()


def test_a_valid_award_shows_its_organisation_level_dates_and_council(client_a, award_a):
    response = verify(client_a, award_a)
    assert response.status_code == 200
    page = text(response)
    assert "This certificate is valid" in page
    assert "Oakfield Primary School holds Charter Status" in page
    assert "ALPH-2027-0042" in page
    assert "Charter Status" in page
    assert f"{award_a.awarded_at:%-d %B %Y}" in page
    assert f"{award_a.expires_on:%-d %B %Y}" in page
    assert "Given by" in page
    assert "Alpha" in page
    assert f'href="/verify/{award_a.verification_code}/concern/"' in page


def test_an_award_ending_within_90_days_shows_valid_and_expiring(client_a, tenant_a, published_a):
    ends = timezone.localdate() + timedelta(days=30)
    award = make_award(tenant_a, expires_on=ends)
    page = text(verify(client_a, award))
    assert "This certificate is valid" in page
    assert "Valid, expiring soon" in page
    assert f"It ends soon, on {ends:%-d %B %Y}." in page


def test_an_expired_award_says_it_has_expired(client_a, tenant_a, published_a):
    ended = timezone.localdate() - timedelta(days=1)
    award = make_award(tenant_a, expires_on=ended)
    page = text(verify(client_a, award))
    assert "This certificate has expired." in page
    assert f"held Charter Status until {ended:%-d %B %Y}" in page
    assert "This certificate is valid" not in page


def test_a_revoked_award_says_so_with_the_reason(client_a, tenant_a, published_a):
    award = make_award(
        tenant_a, revoked_at=timezone.now(), revocation_reason="It stopped paying its carers."
    )
    page = text(verify(client_a, award))
    assert "This certificate is not valid." in page
    assert "It stopped paying its carers." in page
    assert "This certificate is valid" not in page


def test_a_superseded_award_links_to_the_award_that_replaced_it(client_a, tenant_a, published_a):
    old = make_award(tenant_a, certificate_number="ALPH-2027-0001")
    with tenant_context(tenant_a):
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_at"])
    new = make_award(
        tenant_a,
        old.organisation,
        certificate_number="ALPH-2027-0002",
        replaces=old,
        application=old.application,
    )
    page = text(verify(client_a, old))
    assert "This certificate has been replaced by a newer one." in page
    assert f'href="/verify/{new.verification_code}/"' in page
    assert "ALPH-2027-0002" in page
    assert "This certificate is valid" not in page
    assert "This certificate is valid" in text(verify(client_a, new))


def test_the_page_shows_nothing_personal(client_a, award_a, lead_a, officer_a):
    page = text(verify(client_a, award_a))
    for person in (lead_a, officer_a):
        assert person.email not in page
        assert person.get_full_name() not in page
    assert "Pat Head" not in page  # who signed the charter for the school


def test_an_unknown_code_or_an_embargoed_award_is_a_plain_404(client_a, tenant_a, published_a):
    embargoed = make_award(tenant_a, released_at=None)
    unknown = client_a.get("/verify/no-such-code/")
    hidden = verify(client_a, embargoed)
    assert unknown.status_code == hidden.status_code == 404
    assert embargoed.organisation.name not in text(hidden)
    # The same page but for the address typed, which the language switcher links back to.
    hidden_path = f"/verify/{embargoed.verification_code}/"
    unknown_path = "/verify/no-such-code/"
    assert text(hidden).replace(hidden_path, "PATH") == text(unknown).replace(unknown_path, "PATH")


def test_a_council_only_verifies_its_own_awards(
    client_a, client_b, tenant_a, tenant_b, award_a, officer_b
):
    assert verify(client_b, award_a).status_code == 404
    # One code string in both councils: each host shows its own award.
    publish_current_draft(tenant_b, officer_b)
    beta = make_award(
        tenant_b,
        verification_code=award_a.verification_code,
        certificate_number="BETA-2027-0042",
    )
    assert beta.verification_code == award_a.verification_code
    assert "ALPH-2027-0042" in text(verify(client_a, award_a))
    page_b = text(verify(client_b, beta))
    assert "BETA-2027-0042" in page_b
    assert "Oakfield" not in page_b


def test_looking_up_a_number_goes_to_its_verification_page(client_a, award_a):
    response = client_a.get("/verify/", {"number": " alph-2027-0042 "})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{award_a.verification_code}/"


def test_looking_up_an_unknown_or_embargoed_number_says_no_certificate_has_it(
    client_a, tenant_a, published_a
):
    make_award(tenant_a, certificate_number="ALPH-2027-0099", released_at=None)
    for number in ("ALPH-2027-0099", "NOPE-1"):
        response = client_a.get("/verify/", {"number": number})
        assert response.status_code == 200
        page = text(response)
        assert "There is a problem" in page
        assert page.count("No certificate has this number") == 2  # summary and field
        assert "<title>Error: " in page


def test_looking_up_with_no_number_asks_for_one(client_a, tenant_a):
    assert "There is a problem" not in text(client_a.get("/verify/"))
    assert "Enter the certificate number" in text(client_a.get("/verify/", {"number": ""}))


@override_settings(RATE_LIMITS={"accreditation.lookup_certificate": "2/m/ip"})
def test_looking_up_many_numbers_is_slowed_down(client_a, tenant_a):
    for _ in range(2):
        assert client_a.get("/verify/", {"number": "GUESS"}).status_code == 200
    response = client_a.get("/verify/", {"number": "GUESS"})
    assert response.status_code == 429
    assert "You have looked up too many certificates." in text(response)


def test_a_second_visit_is_served_from_the_cache_without_queries(
    client_a, award_a, django_assert_num_queries
):
    first = verify(client_a, award_a)
    with django_assert_num_queries(0):
        second = verify(client_a, award_a)
    assert second.content == first.content
    assert second["Vary"] == "Cookie, Accept-Language"
    assert "csrfmiddlewaretoken" not in text(second)  # nobody's token is in the shared page
    assert "Set-Cookie" not in second


def test_each_reading_mode_is_cached_as_a_page_of_its_own(
    client_a, award_a, django_assert_num_queries
):
    standard = verify(client_a, award_a)
    client_a.cookies["reading_mode"] = "easy-read"
    easy = verify(client_a, award_a)
    with django_assert_num_queries(0):
        easy_again = verify(client_a, award_a)
    del client_a.cookies["reading_mode"]
    with django_assert_num_queries(0):
        standard_again = verify(client_a, award_a)

    assert "This certificate is real. Oakfield Primary School has Charter Status." in text(easy)
    assert "This certificate is real." not in text(standard)
    assert easy_again.content == easy.content
    assert standard_again.content == standard.content
    assert easy["Vary"] == "Cookie, Accept-Language"


def test_a_change_shows_after_the_generation_bump(client_a, tenant_a, award_a):
    assert "This certificate is valid" in text(verify(client_a, award_a))
    with tenant_context(tenant_a):
        award_a.revoked_at = timezone.now()
        award_a.revocation_reason = "Found to be untrue."
        award_a.save(update_fields=["revoked_at", "revocation_reason"])
    assert "This certificate is valid" in text(verify(client_a, award_a))  # still cached
    with tenant_context(tenant_a):
        public_cache.invalidate()  # as the lifecycle services do after commit
    page = text(verify(client_a, award_a))
    assert "This certificate is not valid." in page
    assert "Found to be untrue." in page


def test_the_cache_turns_over_at_midnight(client_a, tenant_a, published_a, monkeypatch):
    today = timezone.localdate()
    award = make_award(tenant_a, expires_on=today)
    assert "Valid, expiring soon" in text(verify(client_a, award))
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=1))
    assert "This certificate has expired." in text(verify(client_a, award))


def test_signed_in_people_get_their_own_page_and_the_cache_never_holds_it(
    client_a, tenant_a, award_a, officer_a
):
    login(client_a, tenant_a, officer_a)
    signed_in = text(verify(client_a, award_a))
    assert "Sign out" in signed_in
    client_a.logout()
    anonymous = text(verify(client_a, award_a))
    assert "Sign out" not in anonymous
    assert "Sign in" in anonymous


@pytest.mark.parametrize("path", ["/verify/../", "/verify/a%2Fb/", "/verify/" + "x" * 33 + "/"])
def test_only_code_shaped_paths_reach_the_page(client_a, tenant_a, path):
    assert client_a.get(path).status_code == 404


@pytest.mark.parametrize("status", [LifecycleStatus.SUSPENDED, LifecycleStatus.CLOSED])
def test_a_paused_or_closed_council_still_verifies_but_says_where_to_write_instead_of_a_form(
    client_a, tenant_a, award_a, status
):
    url = f"/verify/{award_a.verification_code}/"
    assert "tell Alpha City Council about your concern" in client_a.get(url).content.decode()

    update_contact_email(tenant_a, contact_email="charter@alpha.test", acting_user=None)
    set_tenant_status(tenant_a, status, acting_user=None)
    try:
        html = client_a.get(url).content.decode()  # cached while the site took concerns
        concern = client_a.get(f"{url}concern/")
    finally:
        set_tenant_status(tenant_a, LifecycleStatus.ACTIVE, acting_user=None)

    assert award_a.certificate_number in html
    assert "about your concern" not in html
    assert "write to Alpha City Council at" in html
    assert 'href="mailto:charter@alpha.test"' in html
    assert (concern.status_code, concern["Location"]) == (302, url)
