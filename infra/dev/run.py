"""`make run`: migrate, create the demo tenant once, then run web, worker and beat together.

Started by infra/dev/services.py, so DATABASE_URL and REDIS_URL are already set. Ctrl-C stops
everything this started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PORT = os.environ.get("PORT", "8000")


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
    manage("migrate_schemas", "--shared", "-v", "0")
    manage("setup_platform")
    # Tenant schemas (and the template) after the public one: the template is a Tenant row.
    manage("migrate_schemas", "--tenant", "-v", "0")
    manage("seed_demo")

    processes = {
        "web": [PYTHON, "manage.py", "runserver", f"0.0.0.0:{PORT}", "--noreload"],
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
    running = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in processes.items()}
    print(
        f"\nCoCharter is running (web, worker, beat). Ctrl-C stops it.\n"
        f"  Platform:     http://localhost:{PORT}/  (staff admin at /admin/)\n"
        f"  Demo council: http://demo.localhost:{PORT}/\n"
        f"  Logins: see above (password demo-password-2026); emails land in .data/mail/\n",
        flush=True,
    )
    try:
        while all(process.poll() is None for process in running.values()):
            time.sleep(0.5)
        failed = [name for name, process in running.items() if process.poll() is not None]
        print(f"Stopped because {', '.join(failed)} exited.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        # A second Ctrl-C (or the one forwarded by services.py) must not cut the shutdown short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
