"""The ``CoCharter-Signature`` header: ``t=<unix seconds>,v1=<hex HMAC-SHA256>`` of
``"<t>.<body>"`` with the endpoint's secret (the scheme Stripe uses, so integrators know it).

The timestamp is signed with the body, so a receiver can refuse old replays; ``v1`` names the
scheme, so a new one can be added beside it while receivers move over. README "Outgoing
webhooks" shows the receiver's side; ``verify`` here is that same check, used by the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import time

# How old a signed timestamp a receiver should accept (verify's default).
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, body: bytes, signature_header: str, *, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """Whether ``signature_header`` signs ``body`` with ``secret``, within ``tolerance`` seconds."""
    parts = dict(item.split("=", 1) for item in signature_header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
