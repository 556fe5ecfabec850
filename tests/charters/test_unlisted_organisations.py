"""Organisations not on the public register are revealed by no page, search, check or message.

Unlisted: not signed yet, signed without agreeing to be listed, or withdrawn. Their members,
the people they invited and council officers still see them; a duplicate is still caught.
"""

import json

import pytest
from django_tenants.utils import tenant_context

from charters import services
from charters.models import Membership
from tests.fixtures.charters import ORGANISATION, register, sign
from tests.helpers import login, make_user

# The same name typed by someone else, at another address, so the page can only show Oakfield's
# address by leaking it.
SAME_NAME_ELSEWHERE = {**ORGANISATION, "address_line_1": "2 Elm Road", "postcode": "WV10 9ZZ"}
PRIVATE = ["1 Oak Lane", "WV1 1RE", 'href="/org/oakfield-primary-school/join/"']


def withdraw(tenant, organisation, lead):
    with tenant_context(tenant):
        services.withdraw_signature(organisation, acting_user=lead, reason="Closing")


@pytest.fixture(params=["not signed", "signed unlisted", "withdrawn"])
def unlisted_a(request, tenant_a, published_a, organisation_a, lead_a):
    if request.param == "signed unlisted":
        sign(tenant_a, organisation_a, lead_a, consent=False)
    if request.param == "withdrawn":
        sign(tenant_a, organisation_a, lead_a, consent=True)
        withdraw(tenant_a, organisation_a, lead_a)
    return organisation_a


def test_duplicate_check_matches_but_does_not_show_an_unlisted_organisation(
    tenant_a, unlisted_a, client_a
):
    outsider = make_user(tenant_a, "outsider@alpha.test")
    with pytest.raises(services.DuplicateOrganisation) as caught:
        register(tenant_a, outsider, **SAME_NAME_ELSEWHERE)
    assert (caught.value.matches, caught.value.unlisted) == ([], 1)

    login(client_a, tenant_a, outsider)
    html = client_a.post("/org/new/", SAME_NAME_ELSEWHERE).content.decode()

    assert "is not on the public register, so we cannot show its details" in html
    assert 'name="confirmed_different" value="True"' in html
    for detail in PRIVATE:
        assert detail not in html


def test_same_name_and_postcode_is_refused_without_naming_an_unlisted_organisation(
    tenant_a, unlisted_a
):
    outsider = make_user(tenant_a, "outsider@alpha.test")
    with pytest.raises(services.CharterError) as caught:
        register(tenant_a, outsider, name="Oakfield Primary School", confirmed_different=True)
    assert caught.value.message == (
        "An organisation with this name and postcode is already registered. "
        "Ask the person who registered it to invite you."
    )


def test_join_page_of_an_unlisted_organisation_is_not_found_for_outsiders(
    tenant_a, unlisted_a, client_a
):
    login(client_a, tenant_a, make_user(tenant_a, "outsider@alpha.test"))

    assert client_a.get("/org/oakfield-primary-school/join/").status_code == 404
    assert client_a.post("/org/oakfield-primary-school/join/").status_code == 404
    with tenant_context(tenant_a):
        assert Membership.objects.filter(user__email="outsider@alpha.test").count() == 0


def test_public_pages_and_open_data_leave_out_an_unlisted_organisation(unlisted_a, client_a):
    assert "Oakfield" not in client_a.get("/register/?q=oak").content.decode()
    assert client_a.get("/register/oakfield-primary-school/").status_code == 404
    assert client_a.get("/badge/oakfield-primary-school.svg").status_code == 404
    assert "Oakfield" not in client_a.get("/register.csv").content.decode()
    assert json.loads(client_a.get("/register.json").content)["organisations"] == []


def test_an_invited_person_still_sees_and_joins_an_unlisted_organisation(
    tenant_a, unlisted_a, lead_a, client_a
):
    with tenant_context(tenant_a):
        services.invite_member(unlisted_a, acting_user=lead_a, email="Deputy@Oakfield.test")
    deputy = make_user(tenant_a, "deputy@oakfield.test")
    login(client_a, tenant_a, deputy)

    assert "1 Oak Lane" in client_a.get("/org/oakfield-primary-school/join/").content.decode()
    response = client_a.post("/org/oakfield-primary-school/join/")

    assert response["Location"] == "/org/oakfield-primary-school/"
    with tenant_context(tenant_a):
        assert Membership.objects.get(user=deputy).status == "active"


def test_members_and_officers_see_an_unlisted_duplicate(tenant_a, unlisted_a, lead_a, officer_a):
    for person in (lead_a, officer_a):
        with pytest.raises(services.DuplicateOrganisation) as caught:
            register(tenant_a, person, **SAME_NAME_ELSEWHERE)
        assert (caught.value.matches, caught.value.unlisted) == ([unlisted_a], 0)


def test_a_listed_organisation_is_offered_to_join_with_its_details(tenant_a, signed_a, client_a):
    login(client_a, tenant_a, make_user(tenant_a, "outsider@alpha.test"))

    html = client_a.post("/org/new/", SAME_NAME_ELSEWHERE).content.decode()

    for detail in PRIVATE:
        assert detail in html
    assert "not on the public register" not in html
    assert client_a.get("/org/oakfield-primary-school/join/").status_code == 200
