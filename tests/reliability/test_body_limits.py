"""Request bodies over their cap are refused with a 413 page before any of them is stored."""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import encode_multipart
from django_tenants.utils import tenant_context

from accreditation.models import AccreditationSettings, Evidence
from platform_.request_limits import MB
from tests.fixtures.accreditation import PDF
from tests.helpers import host_of, login, subprocess_env

ROOT = Path(__file__).resolve().parents[2]


def evidence_url(application) -> str:
    return f"/org/{application.organisation.slug}/applications/{application.pk}/evidence/add/"


def evidence_form(criterion, content: bytes) -> dict:
    upload = SimpleUploadedFile("report.pdf", content, content_type="application/pdf")
    return {"kind": "file", "title": "Annual report", "criteria": [criterion.pk], "file": upload}


def stored_evidence_files(tenant, application, settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / tenant.schema_name / "evidence" / str(application.pk)
    return sorted(folder.glob("*")) if folder.exists() else []


def test_an_anonymous_post_declaring_200_mb_is_refused_at_once(client_a):
    response = client_a.post(
        "/accounts/login/", {"login": "a@b.test"}, CONTENT_LENGTH=str(200 * MB)
    )

    assert response.status_code == 413
    assert "You can send up to 1 MB here without signing in." in response.text
    assert response["Connection"] == "close"


def test_evidence_one_mb_over_the_councils_limit_is_refused_and_not_stored(
    tenant_a, application, lead_a, criteria_a, client_a, settings
):
    with tenant_context(tenant_a):
        AccreditationSettings.objects.update(max_upload_mb=1)
    login(client_a, tenant_a, lead_a)

    response = client_a.post(
        evidence_url(application), evidence_form(criteria_a[0], PDF + b"0" * (2 * MB))
    )

    assert response.status_code == 413
    assert "The file is too large. Files can be up to 1 MB." in response.text
    with tenant_context(tenant_a):
        assert Evidence.objects.count() == 0
    assert stored_evidence_files(tenant_a, application, settings) == []


def test_evidence_within_the_councils_limit_is_still_added(
    tenant_a, application, lead_a, criteria_a, client_a, settings
):
    login(client_a, tenant_a, lead_a)

    response = client_a.post(
        evidence_url(application), evidence_form(criteria_a[0], PDF + b"0" * (3 * MB))
    )

    assert response.status_code == 302
    with tenant_context(tenant_a):
        evidence = Evidence.objects.get()
        try:
            assert evidence.size == len(PDF) + 3 * MB
        finally:
            evidence.file.delete(save=False)


def test_a_signed_in_post_elsewhere_has_the_signed_in_cap(tenant_a, lead_a, client_a):
    login(client_a, tenant_a, lead_a)

    response = client_a.post("/org/new/", {"name": "x"}, CONTENT_LENGTH=str(11 * MB))

    assert response.status_code == 413
    assert "You can send up to 10 MB here." in response.text


def test_an_upload_longer_than_its_cap_is_stopped_as_it_arrives(tmp_path, settings):
    """A body with no Content-Length (or a false one) is counted by the upload handler, which
    stops it at the cap: the temporary file so far is deleted and nothing more is read."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # so the file would go to disk
    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("big.bin", b"0" * (3 * MB))})
    request = RequestFactory().post(
        "/", body, content_type="multipart/form-data; boundary=BoUnDaRy"
    )
    request.body_limit = 1 * MB

    assert dict(request.FILES) == {}
    assert request.body_limit_exceeded is True
    assert list(tmp_path.iterdir()) == []


def test_the_upload_handler_lets_a_body_within_its_cap_through(settings):
    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("a.bin", b"0" * 5000)})
    request = RequestFactory().post(
        "/", body, content_type="multipart/form-data; boundary=BoUnDaRy"
    )
    request.body_limit = 1 * MB

    assert request.FILES["file"].size == 5000
    assert not getattr(request, "body_limit_exceeded", False)


def read_answer(sock: socket.socket) -> str:
    received = b""
    try:
        while part := sock.recv(65536):
            received += part
    except OSError:  # reset once the server closes with the body unread; the answer came first
        pass
    return received.decode(errors="replace")


# --- Against a real gunicorn process ------------------------------------------------------------


@pytest.fixture(scope="module")
def server(race_tenant, django_db_blocker, tmp_path_factory):
    """gunicorn on this run's test database, with its own temporary upload directory."""
    upload_dir = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock():
        env = subprocess_env(FILE_UPLOAD_TEMP_DIR=str(upload_dir))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("server") / "gunicorn.log"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "platform_.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://localhost:{port}/", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}") from None
            time.sleep(0.2)
    yield {"port": port, "host": host_of(race_tenant), "upload_dir": upload_dir}
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.integration
def test_a_200_mb_sign_in_post_to_a_real_server_is_answered_413_before_it_is_read(server):
    declared = 200 * MB
    head = (
        "POST /accounts/login/ HTTP/1.1\r\n"
        f"Host: {server['host']}\r\n"
        "Content-Type: multipart/form-data; boundary=BoUnDaRy\r\n"
        f"Content-Length: {declared}\r\n\r\n"
        "--BoUnDaRy\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
    ).encode()
    chunk, sent = b"0" * 65536, 0
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=10) as sock:
        sock.sendall(head)
        # Stream the body as a client would, until the server answers (or all 200 MB are sent).
        try:
            while sent < declared and not select.select([sock], [], [], 0.01)[0]:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:  # the server closed the connection: it will not read the rest
            pass
        answer = read_answer(sock)
    elapsed = time.monotonic() - started

    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "You can send up to 1 MB here without signing in." in answer
    assert elapsed < 5
    assert sent < 20 * MB
    assert list(server["upload_dir"].iterdir()) == []
