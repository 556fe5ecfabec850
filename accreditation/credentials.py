"""The Open Badges 3.0 credential that accompanies a certificate (DESIGN §5, §9).

Built and signed with openbadgeslib (4.6): it implements OB 3.0 / VC 2.0 ``OpenBadgeCredential``
and signs it as a VC-JWT (OB 3.0 §8.2, the JOSE header carrying the public key as a ``jwk``),
ES256 with the council's EC P-256 key, offline; its verifier pins the algorithm to the key and
checks the credential's own validity dates. We use it rather than PyJWT directly so the
document's shape (context, types, schema) is the library's, which follows the spec.

What an award keeps (``Award.credential``) is ``{"credential": <the VC document>, "jwt":
<compact JWS>}``: the readable document and the proof. ``check_credential`` verifies the JWS
against the council's certificate and that the readable document is exactly what was signed,
so editing either fails.

Revocation, kept simple: the credential names the public verification page in
``credentialStatus`` (type ``CoCharterVerificationPage``, our own; it is not a Bitstring Status
List, so generic wallets will not understand it and will only show the signature as valid). The
page, and ``check_credential(data, award=...)`` here, read the award row, which is the truth.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from django.utils import timezone
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3Signer,
    OB3VerificationError,
    OB3Verifier,
    OpenBadgeCredential,
)

from accreditation import keys
from accreditation.documents import verification_url
from accreditation.enums import AwardStatus
from accreditation.models import Award

STATUS_TYPE = "CoCharterVerificationPage"
# Claims the VC-JWT adds around the document (OB 3.0 §8.2.4.1); the rest is the document.
_REGISTERED_CLAIMS = {"iss", "sub", "jti", "nbf", "exp", "iat"}

VALID = "valid"
INVALID = "invalid"  # the signature or the document does not hold


def build_credential(
    award: Award, *, private_key: ec.EllipticCurvePrivateKey | None = None
) -> dict:
    """The signed credential for ``award``, as stored in ``Award.credential`` (``private_key``:
    the council's, decrypted once for a batch)."""
    tenant = connection.tenant
    url = verification_url(award)
    home = tenant.build_url("/")  # each build_url reads the primary domain
    credential = OpenBadgeCredential(
        id=url,
        issuer=Issuer(id=home, name=tenant.name, url=home),
        recipient_id=None,
        # OB 3.0's IdentityObject has an identityType "name": the organisation, in clear.
        identifiers=[
            IdentityObject(
                identity_hash=award.organisation.name, identity_type="name", hashed=False
            )
        ],
        achievement=Achievement(
            # A stable id for the level in this council (levels have no public page).
            id=_level_id(award, home),
            name=_achievement_name(award),
            description=f"Charter Status awarded by {tenant.name} for co-production.",
            criteria_narrative=(
                f"Assessed against the criteria of {tenant.name}'s co-production charter."
            ),
            achievement_type="Award",
        ),
        name=f"Charter Status: {award.organisation.name}",
        issuance_date=award.awarded_at,
        # Valid to the end of its expiry day, in UK time.
        expiration_date=timezone.make_aware(datetime.combine(award.expires_on, time.max)),
        credential_status=[
            {"id": url, "type": STATUS_TYPE, "statusPurpose": "revocation"},
        ],
    )
    payload = credential.to_jwt_payload()
    document = {key: value for key, value in payload.items() if key not in _REGISTERED_CLAIMS}
    signer = OB3Signer(private_key or keys.signing_key(), algorithm="ES256")
    return {"credential": document, "jwt": signer.sign_payload(payload)}


def _level_id(award: Award, home: str) -> str:
    level_url = f"{home}levels/{award.level_id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, level_url)}"


def _achievement_name(award: Award) -> str:
    level = award.level.name
    return "Charter Status" if level == "Charter Status" else f"Charter Status: {level}"


def _public_key_pem() -> bytes:
    return (
        keys.certificate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def check_credential(data: dict, *, award: Award | None = None) -> str:
    """``valid``, ``invalid`` (signature or document), or the award's status when it is not
    valid (``revoked``, ``superseded``, ``expired``, ``embargoed``), offline.

    The signature is checked against the current council's certificate; the verifier rejects
    an expired credential itself. With ``award``, the award row decides revocation.
    """
    try:
        token, document = data["jwt"], data["credential"]
        payload = OB3Verifier(_public_key_pem()).verify(token).raw
    except (OB3VerificationError, KeyError, TypeError) as error:
        if "expired" in str(error).lower():
            return AwardStatus.EXPIRED.value
        return INVALID
    signed = {key: value for key, value in (payload or {}).items() if key not in _REGISTERED_CLAIMS}
    if signed != document:
        return INVALID
    if award is not None:
        if document.get("id") != verification_url(award):
            return INVALID
        status = award.status_on(timezone.localdate())
        if status not in AwardStatus.holding():
            return str(status)
    return VALID


def verify_credential(data: dict, *, award: Award | None = None) -> bool:
    """Whether the credential is genuine, unaltered and (with ``award``) still held."""
    return check_credential(data, award=award) == VALID
