"""The Open Badges 3.0 credential: signed by the council, any edit detected, revocation shown."""

from __future__ import annotations

import copy

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.credentials import build_credential, check_credential, verify_credential
from tests.factories import AwardFactory, OrganisationFactory


@pytest.fixture
def award_a(tenant_a, published_a):
    with tenant_context(tenant_a):
        return AwardFactory(
            application__organisation=OrganisationFactory(name="Oakfield Primary School"),
            certificate_number="ALPHA-2027-0042",
        )


@pytest.fixture
def credential(tenant_a, award_a) -> dict:
    with tenant_context(tenant_a):
        return build_credential(award_a)


def test_the_credential_is_an_open_badge_naming_the_council_and_the_organisation(
    tenant_a, award_a, credential
):
    document = credential["credential"]
    url = f"http://alpha.localhost/verify/{award_a.verification_code}/"
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert document["id"] == url
    assert document["issuer"]["name"] == "Alpha City Council"
    assert document["issuer"]["url"] == "http://alpha.localhost/"
    subject = document["credentialSubject"]
    assert subject["achievement"]["name"] == "Charter Status"
    assert [(i["identityType"], i["identityHash"]) for i in subject["identifier"]] == [
        ("name", "Oakfield Primary School")
    ]
    assert document["validFrom"].startswith(award_a.awarded_at.strftime("%Y-%m-%dT%H:%M"))
    assert document["validUntil"].startswith(award_a.expires_on.isoformat())
    assert document["credentialStatus"]["id"] == url
    with tenant_context(tenant_a):
        assert verify_credential(credential)
        assert check_credential(credential, award=award_a) == "valid"


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["credential"]["issuer"].update(name="Mallory Council"),
        lambda d: d["credential"]["credentialSubject"]["achievement"].update(name="Gold"),
        lambda d: d["credential"]["credentialSubject"]["identifier"][0].update(
            identityHash="Another School"
        ),
        lambda d: d["credential"].update(validUntil="2099-01-01T00:00:00Z"),
        lambda d: d["credential"].update(id="http://alpha.localhost/verify/other/"),
        lambda d: d["credential"].pop("credentialStatus"),
        lambda d: d.update(jwt=d["jwt"][:-4] + ("AAAA" if d["jwt"][-4:] != "AAAA" else "BBBB")),
        lambda d: d.pop("jwt"),
    ],
    ids=["issuer", "level", "organisation", "expiry", "id", "status", "signature", "no-jwt"],
)
def test_any_edit_of_the_credential_fails_verification(tenant_a, credential, edit):
    tampered = copy.deepcopy(credential)
    edit(tampered)
    with tenant_context(tenant_a):
        assert check_credential(tampered) == "invalid"
        assert not verify_credential(tampered)


def test_another_councils_key_does_not_verify_it(tenant_b, credential):
    with tenant_context(tenant_b):
        assert check_credential(credential) == "invalid"


def test_a_revoked_or_superseded_award_is_reported(tenant_a, award_a, credential):
    with tenant_context(tenant_a):
        award_a.superseded_at = timezone.now()
        assert check_credential(credential, award=award_a) == "superseded"
        award_a.revoked_at = timezone.now()
        assert check_credential(credential, award=award_a) == "revoked"
        assert not verify_credential(credential, award=award_a)
        assert verify_credential(credential)  # the signature itself still holds
