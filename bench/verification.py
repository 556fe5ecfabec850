"""How fast the verification page a certificate's QR code opens is, against a bare Django view.

Two gunicorns as the Dockerfile runs them (same software, same worker count): the product, on
the demo council's /verify/<code>/, and a one-view Django app with a new project's standard
middleware and no database (bench/_bare_wsgi.py). Both run for the whole benchmark, and are
loaded in turn, ROUNDS times each, interleaved, so drift in the machine's load falls on both.
Loopback only; bounded in time.

Prints ``verify_rps``, ``bare_rps``, ``ratio`` (verify/bare), ``verify_p50_ms``, ``bare_p50_ms``
and ``errors_total`` (anything but a 200), which must be 0. BENCH_DURATION (default 20 s, split
over the rounds) and BENCH_CONCURRENCY (default 12) change the run.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import _gunicorn
import django

django.setup()

from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accreditation.models import Application, Award, AwardLevel  # noqa: E402
from platform_.demo import ensure_demo_tenant  # noqa: E402

DURATION = float(os.environ.get("BENCH_DURATION", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "12"))
ROUNDS = 4


def public_award_code(tenant) -> str:
    """The code of a released award in the demo council (made from its first application if
    the demo has none yet)."""
    with tenant_context(tenant):
        award = Award.objects.filter(released_at__isnull=False, revoked_at__isnull=True).first()
        if award is None:
            application = Application.objects.order_by("pk").first()
            award = Award.objects.create(
                application=application,
                organisation=application.organisation,
                level=AwardLevel.objects.order_by("position").first(),
                certificate_number="BENCH-0001",
                expires_on=timezone.localdate() + timedelta(days=365),
                released_at=timezone.now(),
            )
        return award.verification_code


def load(port: int, path: str, host: str, seconds: float) -> tuple[list[float], int]:
    """CONCURRENCY clients, each one request at a time, for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                ok = _gunicorn.get(port, path, host=host) == 200
            except OSError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def main() -> int:
    tenant, _ = ensure_demo_tenant()
    host = tenant.primary_domain
    verify_path = f"/verify/{public_award_code(tenant)}/"
    options = _gunicorn.DOCKERFILE_OPTIONS
    results = {"verify": [], "bare": []}
    errors = 0
    with (
        _gunicorn.log_file() as log,
        # DEBUG off, as in production: local settings turn it on, which the bare app has not.
        _gunicorn.gunicorn(options, log, env={"DJANGO_DEBUG": "false"}) as product,
        _gunicorn.gunicorn(options, log, app="bench._bare_wsgi:application") as bare,
    ):
        targets = {"verify": (product, verify_path, host), "bare": (bare, "/bare/", "localhost")}
        for port, path, target_host in targets.values():  # warm caches and every worker
            for _ in range(10):
                errors += _gunicorn.get(port, path, host=target_host) != 200
        share = DURATION / (2 * ROUNDS)
        for _ in range(ROUNDS):
            for name, (port, path, target_host) in targets.items():
                latencies, failed = load(port, path, target_host, share)
                results[name].extend(latencies)
                errors += failed
    half = DURATION / 2
    rps = {name: len(latencies) / half for name, latencies in results.items()}
    print(f"duration_s={DURATION:g}")
    print(f"concurrency={CONCURRENCY}")
    print(f"workers={options[1]}")
    for name in results:
        print(f"{name}_rps={rps[name]:.1f}")
        print(f"{name}_p50_ms={statistics.median(results[name]) * 1000:.1f}")
    print(f"ratio={rps['verify'] / rps['bare']:.2f}")
    print(f"errors_total={errors}", flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
