"""The award's status on a day, and the council's signing key kept encrypted."""

from datetime import date, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import keys
from accreditation.enums import AwardStatus
from accreditation.models import Award, CouncilKey

TODAY = date(2027, 7, 1)


def award(**fields) -> Award:
    defaults = {
        "expires_on": TODAY + timedelta(days=365),
        "released_at": timezone.now(),
    }
    return Award(**{**defaults, **fields})


def test_an_awards_status_follows_its_dates_and_events():
    now = timezone.now()
    assert award().status_on(TODAY) == AwardStatus.VALID
    assert award(expires_on=TODAY + timedelta(days=90)).status_on(TODAY) == AwardStatus.EXPIRING
    assert award(expires_on=TODAY + timedelta(days=91)).status_on(TODAY) == AwardStatus.VALID
    assert award(expires_on=TODAY).status_on(TODAY) == AwardStatus.EXPIRING
    assert award(expires_on=TODAY - timedelta(days=1)).status_on(TODAY) == AwardStatus.EXPIRED
    assert award(released_at=None).status_on(TODAY) == AwardStatus.EMBARGOED
    assert award(superseded_at=now).status_on(TODAY) == AwardStatus.SUPERSEDED
    assert award(revoked_at=now, superseded_at=now).status_on(TODAY) == AwardStatus.REVOKED


def test_every_council_gets_its_own_key_kept_encrypted(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        stored = CouncilKey.objects.get()  # made at provisioning
        assert keys.ensure_council_key() == stored
        assert b"PRIVATE KEY" not in bytes(stored.encrypted_private_key)
        alpha_cert = keys.certificate()
        signature = keys.signing_key().sign(b"certificate", ec.ECDSA(hashes.SHA256()))
        alpha_cert.public_key().verify(signature, b"certificate", ec.ECDSA(hashes.SHA256()))
    with tenant_context(tenant_b):
        assert keys.certificate().public_key() != alpha_cert.public_key()
        assert "Beta Borough Council" in keys.certificate().subject.rfc4514_string()
