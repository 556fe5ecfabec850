"""The council's signing key: made once, stored encrypted, used to sign certificates (pyHanko)
and Open Badges credentials.

EC P-256 (DESIGN §9: about 50 ms a PDF signature here; RSA is slow in pyHanko). The private key
is kept in the council's schema encrypted with the platform's key-encryption key, never in
files; the self-signed X.509 certificate names the council.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accreditation.models import CouncilKey
from platform_.integrity import AlreadyExists, unique_field_constraint, unique_or_raise

CERTIFICATE_YEARS = 10
KEY_TAKEN = unique_field_constraint(CouncilKey, "singleton")


def _fernet() -> Fernet:
    configured = settings.CERTIFICATE_KEY_ENCRYPTION_KEY
    if configured:
        return Fernet(configured)
    # Development and tests only (production refuses an empty setting): derived, not random, so
    # every process of a run can read what another wrote.
    derived = hashlib.sha256(f"cocharter-kek:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def ensure_council_key() -> CouncilKey:
    """The current council's key, made now if it has none (idempotent, race-safe)."""
    existing = CouncilKey.objects.first()
    if existing is not None:
        return existing
    private_key = ec.generate_private_key(ec.SECP256R1())
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        with unique_or_raise({KEY_TAKEN: AlreadyExists(KEY_TAKEN)}):
            return CouncilKey.objects.create(
                encrypted_private_key=_fernet().encrypt(pem),
                certificate_pem=_self_signed(private_key)
                .public_bytes(serialization.Encoding.PEM)
                .decode(),
            )
    except AlreadyExists:
        return CouncilKey.objects.get()


def _self_signed(private_key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = getattr(connection.tenant, "name", "") or connection.schema_name
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CoCharter"),
        ]
    )
    now = timezone.now()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CERTIFICATE_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(private_key, hashes.SHA256())
    )


def signing_key() -> ec.EllipticCurvePrivateKey:
    """The council's private key, decrypted for this use only."""
    pem = _fernet().decrypt(bytes(ensure_council_key().encrypted_private_key))
    return serialization.load_pem_private_key(pem, password=None)


def certificate() -> x509.Certificate:
    return x509.load_pem_x509_certificate(ensure_council_key().certificate_pem.encode())
