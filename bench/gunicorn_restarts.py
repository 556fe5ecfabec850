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

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Host": "localhost"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET / answered {response.status}")
    return time.perf_counter() - started


def measure(name: str, options: list[str]) -> dict[str, float]:
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "platform_.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                *options,
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={"DJANGO_SETTINGS_MODULE": "platform_.settings.local", **os.environ},
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    # Warm every worker the same way in both configurations.
                    for _ in range(30):
                        get(port)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            latencies: list[float] = []
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
        finally:
            server.terminate()
            server.wait(timeout=30)
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
