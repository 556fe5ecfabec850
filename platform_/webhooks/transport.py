"""POST one webhook, safely: https only (http for local addresses in development), no redirects
followed, short timeouts, a capped read, and never to a private address.

Server-side request forgery: an officer chooses the URL, and the worker sits inside our network.
The host is resolved here and **every** address it resolves to must be public (not private,
loopback, link-local such as the cloud metadata address 169.254.169.254, shared, reserved or
multicast); the connection is then made to the address that was checked, not to the name again,
so a DNS answer that changes between check and connect (rebinding) cannot lead inside. TLS still
verifies the certificate against the host name. ``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` lifts the
address check for development and tests (receivers on localhost).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

# Bytes of the response read at most, and characters of it kept for the officers' page.
RESPONSE_READ_LIMIT = 64 * 1024
RESPONSE_EXCERPT = 1000


class DeliveryError(Exception):
    """The request could not be made or completed (refused address, timeout, connection)."""


class AddressRefused(DeliveryError):
    """The URL leads to an address webhooks may not reach."""


@dataclass(frozen=True)
class Response:
    status: int
    body: str


def check_url(url: str) -> str:
    """Why ``url`` cannot be an endpoint (a sentence), or "" if it may."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        return _("Enter a URL without a user name or password in it.")
    if not parts.hostname:
        return _("Enter a full URL, like https://example.org/cocharter/webhooks.")
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http" and settings.WEBHOOKS_ALLOW_HTTP:
        return ""
    return _("Enter an address that starts with https://")


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> str:
    """The address to connect to, once every address ``host`` has is checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise DeliveryError(f"Could not find {host}: {error.strerror}") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise DeliveryError(f"Could not find {host}")
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        refused = [address for address in addresses if not _address_allowed(address)]
        if refused:
            raise AddressRefused(
                f"{host} resolves to {refused[0]}, a private or local address: not sent"
            )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address: str, connect_timeout: float, read_timeout: float):
        super().__init__(host, port, timeout=read_timeout)
        self._address = address
        self._connect_timeout = connect_timeout

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), self._connect_timeout)
        sock.settimeout(self.timeout)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def connect(self) -> None:
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self._open(), server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST ``body`` to ``url``; the response, whatever its status. Raises DeliveryError."""
    problem = check_url(url)
    if problem:
        raise AddressRefused(problem)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(parts.hostname, port)
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(
        parts.hostname,
        port,
        address=address,
        connect_timeout=settings.WEBHOOKS_CONNECT_TIMEOUT,
        read_timeout=settings.WEBHOOKS_READ_TIMEOUT,
    )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        # A redirect is an answer like any other: it is recorded, never followed.
        data = response.read(RESPONSE_READ_LIMIT)
    except (OSError, http.client.HTTPException) as error:
        reason = "timed out" if isinstance(error, TimeoutError) else f"{type(error).__name__}"
        raise DeliveryError(f"{reason}: {error}"[:500]) from error
    finally:
        connection.close()
    text = data.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT]
    return Response(status=response.status, body=text)
