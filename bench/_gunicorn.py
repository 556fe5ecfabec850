"""A gunicorn serving CoCharter on a free loopback port, for benchmarks (not a benchmark itself:
bench/run_all.py skips modules whose names start with an underscore)."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# As the Dockerfile serves it.
DOCKERFILE_OPTIONS = ["--config", "infra/gunicorn.conf.py", "--workers", "3"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str = "/", *, host: str = "localhost", cookie: str = "") -> int:
    """One request on a new connection; returns the status (the body is read and dropped)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(
    options: list[str], log, *, app: str = "platform_.wsgi:application", env: dict | None = None
) -> Iterator[int]:
    """Start gunicorn serving ``app`` with ``options``, wait until it answers, yield its port,
    stop it. ``env`` adds to the environment (e.g. another settings module)."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            *options,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"DJANGO_SETTINGS_MODULE": "platform_.settings.local", **os.environ, **(env or {})},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def log_file():
    return tempfile.TemporaryFile("w+")
