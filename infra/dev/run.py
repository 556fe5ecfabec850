"""`make run`: migrate, create the demo tenant once, then run web, worker and beat together.

Web is served as in production: gunicorn, with the Dockerfile's options (GUNICORN_OPTIONS), so
what a developer sees (and measures) is what the deployment runs; static files come from
WhiteNoise, straight from static/build (no collectstatic). With RELOAD=1 (`make run-reload`) it
is Django's runserver instead, which restarts itself when code changes.

Started by infra/dev/services.py, so DATABASE_URL and REDIS_URL are already set. Without a
STRIPE_SECRET_KEY it also runs the local fake Stripe server (infra/dev/fake_stripe.py) with the
demo plans' prices, and points web, worker and beat at it: councils can sign up and "pay" at
/signup/ with no Stripe account, in a clearly labelled test mode. A child that
exits is started again after a short wait (doubling from 1 s); one that keeps exiting (5 times in a
minute) stops everything with a message saying which and why. Ctrl-C stops everything this started.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PORT = os.environ.get("PORT", "8000")
DEMO_PLANS_FILE = ROOT / "infra" / "dev" / "demo_plans.json"
# Test values for the fake server only: never a real key.
FAKE_STRIPE_SECRET_KEY = "sk_test_fake_local_development"  # noqa: S105 (fake server only)
FAKE_STRIPE_WEBHOOK_SECRET = "whsec_fake_local_development"  # noqa: S105 (fake server only)


# The Dockerfile's CMD after the application and its --bind (tests/reliability/
# test_dev_supervisor.py fails when the two part ways).
GUNICORN_OPTIONS = [
    "--config",
    "infra/gunicorn.conf.py",
    "--workers",
    "3",
    "--access-logfile",
    "-",
]


def web_command(port: str, environ: Mapping[str, str]) -> list[str]:
    """gunicorn as the Dockerfile runs it on ``port``; runserver when RELOAD is set (not 0)."""
    if environ.get("RELOAD", "") not in ("", "0"):
        return [PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}"]
    return [
        PYTHON,
        "-m",
        "gunicorn",
        "platform_.wsgi:application",
        "--bind",
        f"0.0.0.0:{port}",
        *GUNICORN_OPTIONS,
    ]


@dataclass
class Billing:
    """How `make run` bills: the fake server's command (None with a real key), the environment
    every child gets, and the start banner's line."""

    command: list[str] | None
    environment: dict[str, str]
    banner: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def billing_setup(environ: Mapping[str, str], *, web_port: str, stripe_port: int) -> Billing:
    """With STRIPE_SECRET_KEY set, Stripe as configured; otherwise the fake Stripe server on
    ``stripe_port``, knowing the demo plans' prices, posting its webhooks to the web process."""
    if environ.get("STRIPE_SECRET_KEY"):
        mode = "test mode" if environ["STRIPE_SECRET_KEY"].startswith("sk_test_") else "LIVE"
        return Billing(None, {}, f"Billing: Stripe ({mode}, key from STRIPE_SECRET_KEY)")
    base = f"http://127.0.0.1:{stripe_port}"
    command = [
        PYTHON,
        str(ROOT / "infra" / "dev" / "fake_stripe.py"),
        "--host",
        "127.0.0.1",
        "--port",
        str(stripe_port),
        "--secret",
        FAKE_STRIPE_WEBHOOK_SECRET,
        "--webhook-url",
        f"http://localhost:{web_port}/stripe/webhook/",
    ]
    for plan in json.loads(DEMO_PLANS_FILE.read_text()):
        command += [
            "--price",
            f"{plan['stripe_price_id']}:{plan['price_pence']}:{plan['interval']}",
        ]
    environment = {
        "STRIPE_SECRET_KEY": FAKE_STRIPE_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": FAKE_STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": base,
    }
    return Billing(command, environment, f"Billing: test mode, fake Stripe at {base}/")


# Read by platform_/settings/local.py, so `manage.py` run by hand (create_council) prints and
# emails the same address as the server started here.
SITE_ENV_FILE = ROOT / ".data" / "site.env"


def site_environment(port: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The settings that make links name the port runserver really listens on.

    Links in emails and the address create_council prints are built from SITE_PORT_SUFFIX
    (``Tenant.build_url``); with ``PORT=8001 make run`` they must say :8001, not the default
    :8000. An explicit SITE_PORT_SUFFIX (a proxy in front, say) wins.
    """
    return {"SITE_PORT_SUFFIX": environ.get("SITE_PORT_SUFFIX", f":{port}")}


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def stop_on_signal(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C (SIGINT) or a supervisor's SIGTERM: stop every child, then exit cleanly. Installed
    # explicitly because a shell starting this in the background would leave SIGINT ignored.
    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")
    (ROOT / ".data").mkdir(exist_ok=True)
    site_env = site_environment(PORT, os.environ)
    os.environ.update(site_env)  # inherited by every child below
    SITE_ENV_FILE.write_text("".join(f"{key}={value}\n" for key, value in site_env.items()))
    billing = billing_setup(
        os.environ,
        web_port=PORT,
        stripe_port=int(os.environ.get("FAKE_STRIPE_PORT") or free_port()),
    )
    # Every child (and the commands below) inherits it: web, worker and beat all use Stripe.
    os.environ.update(billing.environment)
    # Public schema, platform rows and template, then the councils lacking a migration.
    manage("migrate_tenants", "-v", "0")
    manage("seed_demo")

    processes = {
        **({"fake stripe": billing.command} if billing.command else {}),
        "web": web_command(PORT, os.environ),
        "worker": [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "platform_",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "2",
        ],
        "beat": [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "platform_",
            "beat",
            "-l",
            "info",
            "-s",
            str(ROOT / ".data" / "celerybeat-schedule"),
        ],
    }
    server = "runserver, reloading on changes" if "runserver" in processes["web"] else "gunicorn"
    print(
        f"\nCoCharter is starting (web with {server}, worker, beat). Ctrl-C stops it.\n"
        f"  Platform:     http://localhost:{PORT}/  (staff admin at /admin/)\n"
        f"  Demo council: http://demo.localhost:{PORT}/\n"
        f"  Sign up a council: http://localhost:{PORT}/signup/\n"
        f"  {billing.banner}\n"
        f"  Logins: see above (password demo-password-2026); emails land in .data/mail/\n",
        flush=True,
    )
    return supervise(processes, cwd=ROOT)


@dataclass
class Child:
    name: str
    command: Sequence[str]
    process: subprocess.Popen | None = None
    restart_at: float | None = None
    restarts: deque[float] = field(default_factory=deque)


def start(command: Sequence[str], cwd: Path) -> subprocess.Popen:
    # Each child leads a process group of its own, stopped whole: runserver's reloader (and a
    # gunicorn master) run the server in a process of their own, which would otherwise outlive
    # them and keep the port.
    return subprocess.Popen(command, cwd=cwd, start_new_session=True)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has exited already
        os.killpg(process.pid, signum)


def supervise(
    commands: Mapping[str, Sequence[str]],
    *,
    cwd: Path,
    max_restarts: int = 5,
    window: float = 60.0,
    first_wait: float = 1.0,
    max_wait: float = 30.0,
    poll: float = 0.2,
    stop: threading.Event | None = None,
) -> int:
    """Run every command until Ctrl-C (or ``stop``); start again any that exits.

    A child that exits is started again after ``first_wait`` seconds, doubling with each restart
    within ``window`` seconds up to ``max_wait``. One that needs more than ``max_restarts``
    restarts within ``window`` is broken, not unlucky: everything is stopped and 1 returned.
    Returns 0 when stopped on request.
    """
    children = [Child(name, command) for name, command in commands.items()]
    stop = stop or threading.Event()
    try:
        for child in children:
            child.process = start(child.command, cwd)
        while not stop.is_set():
            now = time.monotonic()
            for child in children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        print(f"[run] starting {child.name} again", file=sys.stderr, flush=True)
                        child.process = start(child.command, cwd)
                        child.restart_at = None
                    continue
                code = child.process.poll()
                if code is None:
                    continue
                while child.restarts and child.restarts[0] < now - window:
                    child.restarts.popleft()
                if len(child.restarts) >= max_restarts:
                    print(
                        f"[run] {child.name} exited (code {code}) {len(child.restarts) + 1} times"
                        f" within {window:.0f} s; stopping everything. Its output above says"
                        " why.",
                        file=sys.stderr,
                        flush=True,
                    )
                    return 1
                wait = min(max_wait, first_wait * 2 ** len(child.restarts))
                child.restarts.append(now)
                child.restart_at = now + wait
                print(
                    f"[run] {child.name} exited (code {code}); starting it again in {wait:g} s",
                    file=sys.stderr,
                    flush=True,
                )
            stop.wait(poll)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        # A second Ctrl-C (or the one forwarded by services.py) must not cut the shutdown short.
        # Signal handlers can only be changed from the main thread (tests supervise from others).
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        running = [c.process for c in children if c.process and c.process.poll() is None]
        for process in running:
            signal_group(process, signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait()


if __name__ == "__main__":
    sys.exit(main())
