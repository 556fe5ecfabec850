"""gunicorn settings the image serves with (infra/Dockerfile: ``--config infra/gunicorn.conf.py``).

Only what concerns Prometheus's multiprocess mode (platform_/metrics.py): each gunicorn worker
keeps its metric values in files under ``PROMETHEUS_MULTIPROC_DIR`` and a scrape adds them up.
Without that variable these hooks do nothing.
"""

import os
from pathlib import Path


def on_starting(server):
    """Start from an empty directory: files left by an earlier run (a container restarted in the
    same pod keeps its emptyDir) would add old processes' values to the new ones."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """A worker that exited (restarted, killed at its timeout) stops counting in live gauges;
    its counters stay, so totals never go backwards."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess  # noqa: PLC0415 -- only in multiprocess mode

        multiprocess.mark_process_dead(worker.pid)
