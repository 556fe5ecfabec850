"""What the metrics middleware (platform_/metrics.py) adds to each request, measured directly.

The middleware wraps a view that does nothing, against the same view called bare, CALLS times
each, interleaved over ROUNDS; the difference per call is its cost. Run twice: in one process
(the default registry) and in prometheus_client's multiprocess mode, as gunicorn serves in
production (values kept in memory-mapped files under PROMETHEUS_MULTIPROC_DIR).

Prints ``metrics_overhead_us`` and ``metrics_overhead_multiprocess_us`` (microseconds a request,
median of the rounds). For scale: the bare Django view serves about 2,200 requests a second on
this machine (DESIGN §10), some 450 us each.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

CALLS = 20_000
ROUNDS = 5


def measure() -> float:
    import django

    django.setup()
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from platform_.metrics import MetricsMiddleware

    match = resolve("/", urlconf="platform_.urls_tenant")
    request = RequestFactory().get("/")

    def view(request):
        request.resolver_match = match
        return HttpResponse()

    wrapped = MetricsMiddleware(view)
    costs = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS):
            view(request)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(CALLS):
            wrapped(request)
        costs.append((time.perf_counter() - started - bare) / CALLS * 1e6)
    return statistics.median(costs)


def main() -> None:
    if os.environ.get("BENCH_METRICS_CHILD"):
        print(f"{measure():.1f}")
        return
    print(f"metrics_overhead_us={measure():.1f}", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        child = subprocess.run(
            [sys.executable, __file__],
            env={**os.environ, "BENCH_METRICS_CHILD": "1", "PROMETHEUS_MULTIPROC_DIR": directory},
            capture_output=True,
            text=True,
            check=True,
        )
    print(f"metrics_overhead_multiprocess_us={child.stdout.strip()}")


if __name__ == "__main__":
    main()
