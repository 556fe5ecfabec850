"""Load at saturation: gunicorn as the Dockerfile runs it, many clients over the demo council's
public pages and two signed-in pages, for DURATION seconds. Loopback only; bounded in time.

Prints, per page, ``<page>_rps``, ``<page>_p50_ms``, ``<page>_p99_ms`` and ``<page>_errors``
(anything but the expected status, or no answer), then ``errors_total``, which must be 0.
BENCH_DURATION (default 20 s) and BENCH_CONCURRENCY (default 12) change the run.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import _gunicorn
import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from platform_.accounts.models import User  # noqa: E402
from platform_.demo import DEMO_LOGINS, ensure_demo_tenant  # noqa: E402

DURATION = float(os.environ.get("BENCH_DURATION", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "12"))


def session_cookie(tenant, email: str) -> str:
    """A signed-in session for ``email``, made as Django's login would, in the tenant's schema."""
    with tenant_context(tenant):
        user = User.objects.get(email=email)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def pages(tenant) -> dict[str, tuple[str, str]]:
    """name -> (path, cookie) on the demo council's host; every one should answer 200."""
    officer = session_cookie(tenant, DEMO_LOGINS["council officer"][0])
    member = session_cookie(tenant, DEMO_LOGINS["organisation member"][0])
    return {
        "home": ("/", ""),
        "charter": ("/charter/", ""),
        "easy_read": ("/charter/easy-read/", ""),
        "register": ("/register/", ""),
        "register_search": ("/register/?q=school", ""),
        "register_csv": ("/register.csv", ""),
        "register_json": ("/register.json", ""),
        "badge": ("/badge/oakfield-primary-school.svg", ""),
        "org_member": ("/org/", member),
        "officer_applications": ("/manage/applications/", officer),
    }


def main() -> int:
    tenant, _ = ensure_demo_tenant()
    host = tenant.primary_domain
    targets = pages(tenant)
    names = list(targets)
    results = {name: [] for name in names}
    errors = dict.fromkeys(names, 0)
    lock = threading.Lock()
    with _gunicorn.log_file() as log, _gunicorn.gunicorn(_gunicorn.DOCKERFILE_OPTIONS, log) as port:
        for path, cookie in targets.values():  # warm caches and workers
            _gunicorn.get(port, path, host=host, cookie=cookie)
        deadline = time.monotonic() + DURATION

        def client(offset: int) -> None:
            turn = offset
            while time.monotonic() < deadline:
                name = names[turn % len(names)]
                turn += 1
                path, cookie = targets[name]
                started = time.perf_counter()
                try:
                    ok = _gunicorn.get(port, path, host=host, cookie=cookie) == 200
                except OSError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    results[name].append(elapsed)
                    errors[name] += not ok

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CONCURRENCY)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"duration_s={DURATION:g}")
    print(f"concurrency={CONCURRENCY}")
    for name in names:
        latencies = sorted(results[name])
        print(f"{name}_rps={len(latencies) / DURATION:.1f}")
        print(f"{name}_p50_ms={statistics.median(latencies) * 1000:.1f}")
        print(f"{name}_p99_ms={latencies[int(len(latencies) * 0.99)] * 1000:.1f}")
        print(f"{name}_errors={errors[name]}")
    total = sum(errors.values())
    print(f"errors_total={total}", flush=True)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
