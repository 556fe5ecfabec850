"""A 50 MB evidence upload through the real view, and how much the serving process grows.

One gunicorn sync worker (the production server, one worker so the one that takes the upload is
known) serves a council provisioned for the run with the demo's people and applications; the
demo organisation member posts BENCH_UPLOAD_MB (default 50) of PDF to its draft application's
"add evidence" page, streamed from disk. The worker's resident memory is sampled from /proc every
10 ms from before the request until after the answer. The council is dropped afterwards.

Prints: upload_mb= status= stored=<evidence rows of that size: 1> upload_s=
        rss_before_mb= rss_peak_mb= rss_growth_mb=<peak - before>
"""

from __future__ import annotations

import http.client
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import _gunicorn
import django

django.setup()

import _sessions  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accreditation.enums import ApplicationStatus  # noqa: E402
from accreditation.models import Application, Evidence  # noqa: E402
from accreditation.services import setup  # noqa: E402
from platform_.demo import seed_demo_council  # noqa: E402
from tenants.models import Tenant  # noqa: E402
from tenants.services import ensure_platform, provision_tenant  # noqa: E402

UPLOAD_MB = int(os.environ.get("BENCH_UPLOAD_MB", "50"))
SLUG = "bench-upload"
CHUNK = 256 * 1024


def drop_council() -> None:
    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(slug=SLUG):
        tenant.delete(force_drop=True)


def prepare() -> tuple[str, str, int, str]:
    """(host, path of the add evidence page, a criterion's id, the member's session cookie)."""
    with mock.patch("platform_.outbox.services.enqueue_on_commit"):
        tenant = provision_tenant(name="Bench upload council", slug=SLUG, officer_email=None)
        with tenant_context(tenant):
            users = seed_demo_council()
            setup.update_settings(
                acting_user=users["council officer"], max_upload_mb=UPLOAD_MB + 10
            )
            member = users["organisation member"]
            application = (
                Application.objects.filter(
                    status=ApplicationStatus.DRAFT,
                    organisation__memberships__user=member,
                )
                .select_related("organisation")
                .first()
            )
            criterion = application.version.criteria.order_by("pk").first()
            path = reverse(
                "accreditation:application.evidence.add",
                kwargs={"slug": application.organisation.slug, "pk": application.pk},
                urlconf=settings.ROOT_URLCONF,
            )
            cookie = _sessions.session_cookie(member)
    connection.set_schema_to_public()
    return tenant.primary_domain, path, criterion.pk, cookie


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def multipart(file_path: Path, csrf: str, criterion: int) -> tuple[str, list, int]:
    boundary = secrets.token_hex(16)
    fields = {
        "csrfmiddlewaretoken": csrf,
        "kind": "file",
        "title": "Minutes",
        "criteria": criterion,
    }
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="minutes.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + file_path.stat().st_size + len(tail)
    return f"multipart/form-data; boundary={boundary}", [head, file_path, tail], length


def stream(parts):
    for part in parts:
        if isinstance(part, bytes):
            yield part
            continue
        with part.open("rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk


def main() -> None:
    ensure_platform()
    drop_council()
    try:
        host, path, criterion, cookie = prepare()
        with tempfile.TemporaryDirectory() as scratch:
            pdf = Path(scratch) / "minutes.pdf"
            with pdf.open("wb") as file:
                file.write(b"%PDF-1.4\n")
                for _ in range(UPLOAD_MB * 4):
                    file.write(os.urandom(CHUNK))
            pdf_size = pdf.stat().st_size
            csrf = secrets.token_hex(16)  # an unmasked secret, sent as cookie and field alike
            content_type, parts, length = multipart(pdf, csrf, criterion)
            with _gunicorn.gunicorn(["--workers", "1"], _gunicorn.log_file()) as port:
                # The first request loads every module the page needs, so growth is the upload's.
                _gunicorn.get(port, path, host=host, cookie=cookie)
                master = _gunicorn_master(port)
                worker = worker_pid(master)
                before = rss_mb(worker)
                peak = [before]
                done = threading.Event()

                def sample() -> None:
                    while not done.is_set():
                        peak[0] = max(peak[0], rss_mb(worker))
                        time.sleep(0.01)

                sampler = threading.Thread(target=sample)
                sampler.start()
                started = time.perf_counter()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                conn.request(
                    "POST",
                    path,
                    body=stream(parts),
                    headers={
                        "Host": host,
                        "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
                        "Content-Type": content_type,
                        "Content-Length": str(length),
                    },
                )
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                time.sleep(0.1)
                done.set()
                sampler.join()
                conn.close()
        with tenant_context(Tenant.objects.get(slug=SLUG)):
            # The upload really went through the view and the service: its evidence row exists.
            stored = Evidence.objects.filter(size=pdf_size, content_type="application/pdf").count()
    finally:
        drop_council()
    print(f"upload_mb={UPLOAD_MB} status={response.status} stored={stored} upload_s={elapsed:.2f}")
    print(
        f"rss_before_mb={before:.1f} rss_peak_mb={peak[0]:.1f} rss_growth_mb={peak[0] - before:.1f}"
    )


def _gunicorn_master(port: int) -> int:
    """The gunicorn master listening on ``port`` (the context manager does not expose it)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"gunicorn" in b" ".join(cmdline) and f"127.0.0.1:{port}".encode() in cmdline:
            return int(proc.name)
    raise RuntimeError(f"no gunicorn on port {port}")


if __name__ == "__main__":
    main()
