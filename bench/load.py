"""Load at saturation over the demo council's public pages and two signed-in pages, each against a
bare Django view measured in the same run, interleaved. Loopback only; bounded in time.

Two gunicorns as the image runs them (same worker count, bench/_gunicorn.py; DEBUG off as in
production): CoCharter, and a one-view Django app with a new project's standard middleware and no
database (bench/_bare_wsgi.py). The load comes from autocannon (bench/_load_client.mjs), not
Python: Python threads in this process topped out near 200 requests a second in all, far below a
bare view's few thousand, so the old figures measured the client. ``wrk`` would do as well but is
not installed here nor a package the project can depend on; autocannon is an npm dev dependency
(package.json), installed with the front-end build's own ``npm ci``, and its per-response events
give every latency (its summary has no p95). It is taught to open a new connection after each
``Connection: close`` (every answer of a sync worker) before its next request, as wrk does
(bench/_load_client.mjs says why).

Each round loads the bare view, then a page, then the bare view, then the next page ... and the
bare view again at the end, ROUNDS rounds: a page's ``ratio`` is its requests a second over the
bare view's in the segments on either side of it, so drift in the machine's load (2 cores shared
with other work) falls on both. A page gets BENCH_DURATION seconds in all (default 60, split over
the rounds), each bare segment half a page segment. BENCH_CONNECTIONS (default 20) clients.

The signed-in pages are loaded twice: as served (a person coming back to a page is served it
from the signed-in cache while nothing in the council changed) and, as ``<page>_built``, from a
third gunicorn with that cache off, which is what a first visit or one after a change costs.

Prints, per page, ``<page>_rps``, ``_p50_ms``, ``_p95_ms``, ``_p99_ms``, ``_errors`` (anything but
a 200, a failed connection or a timeout) and ``_ratio``; then ``bare_rps`` and ``errors_total``;
exits non-zero if that is not 0.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import _gunicorn
import django

django.setup()

import _sessions  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402
from verification import public_award_code  # noqa: E402

from platform_.accounts.models import User  # noqa: E402
from platform_.demo import DEMO_LOGINS, ensure_demo_tenant  # noqa: E402

DURATION = float(os.environ.get("BENCH_DURATION", "60"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
CLIENT = Path(__file__).resolve().parent / "_load_client.mjs"
BARE = "bare"


def session_cookie(tenant, email: str) -> str:
    with tenant_context(tenant):
        return _sessions.session_cookie(User.objects.get(email=email))


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
        "verify": (f"/verify/{public_award_code(tenant)}/", ""),
        "org_member": ("/org/", member),
        "officer_applications": ("/manage/applications/", officer),
    }


class Totals:
    """Responses of one target over every round: a latency histogram, counts, time."""

    def __init__(self) -> None:
        self.histogram: dict[int, int] = {}
        self.responses = 0
        self.errors = 0
        self.seconds = 0.0

    def add(self, segment: dict) -> float:
        """Merge one segment; returns its requests a second."""
        for bucket, count in segment["histogram"].items():
            self.histogram[int(bucket)] = self.histogram.get(int(bucket), 0) + count
        answered = sum(segment["statuses"].values())
        self.responses += answered
        # autocannon counts a timeout among its errors (and a failed connection).
        self.errors += answered - segment["statuses"].get("200", 0) + segment["errors"]
        self.seconds += segment["duration"]
        return answered / segment["duration"]

    def rps(self) -> float:
        return self.responses / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """In ms, from the 0.1 ms buckets."""
        rank = fraction * self.responses
        seen = 0
        for bucket in sorted(self.histogram):
            seen += self.histogram[bucket]
            if seen >= rank:
                return bucket / 10
        return 0.0


def autocannon(port: int, path: str, host: str, cookie: str, seconds: float) -> dict:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("bench/load.py needs Node.js and `npm ci` (autocannon).")
    spec = {
        "url": f"http://127.0.0.1:{port}{path}",
        "host": host,
        "cookie": cookie,
        "connections": CONNECTIONS,
        "seconds": seconds,
    }
    done = subprocess.run(
        [node, str(CLIENT), json.dumps(spec)],
        cwd=CLIENT.parents[1],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# The signed-in pages once more, served by a gunicorn with the signed-in cache off: what a
# first visit, or one after a change in the council, costs (charters/signed_in_page_cache.py).
BUILT = {"org_member_built": "org_member", "officer_applications_built": "officer_applications"}


def main() -> int:
    tenant, _ = ensure_demo_tenant()
    host = tenant.primary_domain
    targets = pages(tenant)
    targets.update({name: targets[page] for name, page in BUILT.items()})
    options = _gunicorn.DOCKERFILE_OPTIONS
    segment = DURATION / ROUNDS
    totals = {name: Totals() for name in [*targets, BARE]}
    # Per page, the bare view's requests a second in the segments on either side, every round.
    adjacent: dict[str, list[float]] = {name: [] for name in targets}
    load_before = os.getloadavg()[0]
    warm_errors = 0
    with (
        _gunicorn.log_file() as log,
        # DEBUG off, as in production: local settings turn it on, which the bare app has not.
        _gunicorn.gunicorn(options, log, env={"DJANGO_DEBUG": "false"}) as product,
        _gunicorn.gunicorn(
            options, log, env={"DJANGO_DEBUG": "false", "SIGNED_IN_CACHE": "false"}
        ) as uncached,
        _gunicorn.gunicorn(options, log, app="bench._bare_wsgi:application") as bare,
    ):
        port = {name: uncached if name in BUILT else product for name in targets}
        for name, (path, cookie) in targets.items():  # warm caches and every worker
            for _ in range(10):
                warm_errors += _gunicorn.get(port[name], path, host=host, cookie=cookie) != 200
        for _ in range(10):
            warm_errors += _gunicorn.get(bare, "/bare/") != 200

        def bare_segment() -> float:
            return totals[BARE].add(autocannon(bare, "/bare/", "localhost", "", segment / 2))

        for _ in range(ROUNDS):
            before = bare_segment()
            for name, (path, cookie) in targets.items():
                totals[name].add(autocannon(port[name], path, host, cookie, segment))
                after = bare_segment()
                adjacent[name].append((before + after) / 2)
                before = after
    bare_rps = totals[BARE].rps()
    print(f"duration_s={DURATION:g}")
    print(f"rounds={ROUNDS}")
    print(f"connections={CONNECTIONS}")
    print(f"workers={options[1]}")
    print(f"load_average_before={load_before:.2f}")
    print(f"load_average_after={os.getloadavg()[0]:.2f}")
    for name in targets:
        page = totals[name]
        neighbours = sum(adjacent[name]) / len(adjacent[name])
        print(f"{name}_rps={page.rps():.1f}")
        print(f"{name}_p50_ms={page.percentile(0.50):.1f}")
        print(f"{name}_p95_ms={page.percentile(0.95):.1f}")
        print(f"{name}_p99_ms={page.percentile(0.99):.1f}")
        print(f"{name}_errors={page.errors}")
        print(f"{name}_ratio={page.rps() / neighbours:.3f}")
    print(f"bare_rps={bare_rps:.1f}")
    print(f"bare_p50_ms={totals[BARE].percentile(0.50):.1f}")
    total = warm_errors + sum(t.errors for t in totals.values())
    print(f"errors_total={total}", flush=True)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
