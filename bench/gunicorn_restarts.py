"""Latency under gunicorn's --max-requests (the Dockerfile's old options) and without it.

Each configuration serves the platform landing page (real app, real database) to a steady load
of CONCURRENCY clients for REQUESTS requests, more than three workers' worth of --max-requests,
so every worker restarts once in the first run. Loopback only; same machine, same run.

The Dockerfile had --max-requests 2000 --max-requests-jitter 200; to stay under a minute this
runs the same 10 % jitter at MAX_REQUESTS=1000 by default (BENCH_MAX_REQUESTS=2000
BENCH_REQUESTS=7000 runs the full size, about 70 s).

Prints, per configuration: <name>_p50_ms, <name>_p99_ms, <name>_max_ms, <name>_over_1s (requests
slower than a second), <name>_restarts (workers gunicorn restarted).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

import _gunicorn  # a sibling: scripts run with bench/ first on sys.path

ROOT = Path(__file__).resolve().parents[1]
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "1000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", str(MAX_REQUESTS * 7 // 2)))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "6"))
CONFIGURATIONS = {
    "max_requests": [
        "--max-requests",
        str(MAX_REQUESTS),
        "--max-requests-jitter",
        str(MAX_REQUESTS // 10),
    ],
    "no_max_requests": [],
}


def get(port: int) -> float:
    started = time.perf_counter()
    status = _gunicorn.get(port)
    if status != 200:
        raise RuntimeError(f"GET / answered {status}")
    return time.perf_counter() - started


def measure(name: str, options: list[str]) -> dict[str, float]:
    latencies: list[float] = []
    with _gunicorn.log_file() as log:
        with _gunicorn.gunicorn(["--workers", "3", *options], log) as port:
            for _ in range(30):  # warm every worker the same way in both configurations
                get(port)
            remaining = iter(range(REQUESTS))
            lock = threading.Lock()

            def client() -> None:
                while True:
                    with lock:
                        if next(remaining, None) is None:
                            return
                    latency = get(port)
                    with lock:
                        latencies.append(latency)

            threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        log.seek(0)
        restarts = log.read().count("Autorestarting worker")
    latencies.sort()
    return {
        f"{name}_p50_ms": round(statistics.median(latencies) * 1000, 1),
        f"{name}_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        f"{name}_max_ms": round(latencies[-1] * 1000, 1),
        f"{name}_over_1s": sum(latency > 1 for latency in latencies),
        f"{name}_restarts": restarts,
    }


def main() -> int:
    print(f"max_requests={MAX_REQUESTS}")
    print(f"requests={REQUESTS}")
    print(f"concurrency={CONCURRENCY}")
    for name, options in CONFIGURATIONS.items():
        for key, value in measure(name, options).items():
            print(f"{key}={value}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
