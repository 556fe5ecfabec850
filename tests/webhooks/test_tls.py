"""Webhooks over HTTPS, against a real TLS receiver on localhost: delivered when the certificate
is trusted and names the host; refused (and nothing sent) when it is untrusted or names another
host. The receiver's certificate comes from a throwaway certificate authority made here; the
worker trusts it only through OpenSSL's SSL_CERT_FILE, as it would trust a real one."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from platform_.webhooks import transport


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    """A certificate authority and a function issuing server certificates from it."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("CoCharter test authority")
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    (folder / "ca.pem").write_bytes(_pem(ca))

    def issue(label: str, names) -> tuple[str, str]:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _certificate(
            _name(label), ca_name, key.public_key(), ca_key, ca=False, names=names
        )
        cert_path, key_path = folder / f"{label}.pem", folder / f"{label}.key"
        cert_path.write_bytes(_pem(certificate))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return str(cert_path), str(key_path)

    return {"ca": str(folder / "ca.pem"), "issue": issue}


def _tls_receiver(cert_path: str, key_path: str):
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


@pytest.fixture
def localhost_receiver(authority):
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server, received = _tls_receiver(*authority["issue"]("localhost", names))
    yield f"https://localhost:{server.server_address[1]}/hooks", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def other_host_receiver(authority):
    server, received = _tls_receiver(*authority["issue"]("other", [x509.DNSName("other.example")]))
    yield f"https://localhost:{server.server_address[1]}/hooks", received
    server.shutdown()
    server.server_close()


def test_a_trusted_certificate_naming_the_host_is_delivered_over_tls(
    authority, localhost_receiver, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", authority["ca"])
    url, received = localhost_receiver

    response = transport.post(url, b'{"type": "ping"}', {"Content-Type": "application/json"})

    assert (response.status, response.body) == (200, "ok")
    assert received == [b'{"type": "ping"}']


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(
    localhost_receiver, monkeypatch, tmp_path
):
    empty = tmp_path / "no-authorities.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    url, received = localhost_receiver

    with pytest.raises(transport.DeliveryError, match="SSLCertVerificationError"):
        transport.post(url, b"{}", {})
    assert received == []


def test_a_certificate_for_another_host_is_refused_and_nothing_is_sent(
    authority, other_host_receiver, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", authority["ca"])
    url, received = other_host_receiver

    with pytest.raises(transport.DeliveryError, match="SSLCertVerificationError"):
        transport.post(url, b"{}", {})
    assert received == []
