"""A real server process (gunicorn) on this run's test database, and real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
# Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM calls
# there unless told; the ORM calls in these tests are ordinary synchronous set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling out to a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM}; CI must install it.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server_url(django_db_setup, django_db_blocker, tmp_path_factory) -> str:
    """Base URL template of a gunicorn server: format it with a host ("alpha.localhost")."""
    with django_db_blocker.unblock():
        env = subprocess_env(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(tmp_path_factory.mktemp("server-mail")),
            # Signed-in pages and people's rows kept as in production: every journey then
            # also shows that each change is on the next page (charters/signed_in_page_cache.py).
            SIGNED_IN_CACHE="true",
        )
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "gunicorn.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "platform_.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://{{host}}:{port}"
    _wait_until_up(base.format(host="localhost") + "/", process, log)
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback URL built above)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in time:\n{log.read_text()}")
