"""Metrics and probes as production runs them: a real Celery worker counts a failed task for
the web's /metrics; the worker's Kubernetes liveness command pings a real worker; gunicorn's
several processes add up their request counts (multiprocess mode, infra/gunicorn.conf.py)."""

from __future__ import annotations

import http.client
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from bench import _gunicorn
from platform_ import celery_app, metrics
from platform_.broker import broker_client
from tests.helpers import subprocess_env
from tests.processes import start_worker, stop, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "integration-metrics-token-0123456789"


def _samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    log = tmp_path_factory.mktemp("metrics-worker") / "worker.log"
    with django_db_blocker.unblock():
        process = start_worker(log)
    yield process
    stop(process)
    print(log.read_text())  # shown by pytest when a test of this module fails


def test_a_task_failing_in_a_real_worker_is_counted_in_webs_metrics(worker, settings):
    settings.METRICS_TOKEN = TOKEN
    key = metrics.task_counts_key("failures")
    broker_client().delete(key)
    try:
        # By name, with an argument the task does not take: it fails inside the worker.
        celery_app.send_task(
            "outbox.sweep_unsent",
            args=["unexpected"],
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            headers={"_schema_name": "public"},
        )
        assert wait_for(lambda: broker_client().hget(key, "outbox.sweep_unsent") == b"1")
        response = Client(HTTP_HOST="10.0.0.9").get(
            "/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
        )
        labels = frozenset({"task": "outbox.sweep_unsent"}.items())
        samples = _samples(response.content.decode())
        assert samples[("cocharter_celery_task_failures_total", labels)] == 1
    finally:
        broker_client().delete(key)


def _worker_probe() -> str:
    worker = yaml.safe_load((ROOT / "infra" / "k8s" / "worker.yaml").read_text().split("\n---")[0])
    return worker["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["exec"]["command"]


def test_the_worker_liveness_command_answers_for_a_live_worker_only(worker):
    command = _worker_probe()

    def probe(hostname: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            cwd=ROOT,
            # The image has celery on its PATH; here it is in the virtualenv's bin.
            env=subprocess_env(
                HOSTNAME=hostname,
                PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            ),
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )

    # The worker's node name is celery@<host name>, as it is celery@<pod name> in Kubernetes.
    alive = None
    for _ in range(10):  # the worker may still be starting
        alive = probe(socket.gethostname())
        if alive.returncode == 0:
            break
        time.sleep(2)
    assert alive.returncode == 0, alive.stdout + alive.stderr
    assert "pong" in alive.stdout
    missing = probe("no-such-worker-" + str(os.getpid()))
    assert missing.returncode != 0
    assert shlex.split(command[2])[3:5] == ["inspect", "ping"]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "10.0.0.7", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


def test_gunicorns_processes_add_up_their_counts(django_db_setup, tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_999999.db").write_bytes(b"left by an earlier run")
    env = {
        **subprocess_env(),
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "METRICS_TOKEN": TOKEN,
    }
    auth = {"Authorization": f"Bearer {TOKEN}"}
    healthz = (
        "cocharter_http_requests_total",
        frozenset({"method": "GET", "route": "healthz", "status": "2xx"}.items()),
    )
    with (
        _gunicorn.log_file() as log,
        _gunicorn.gunicorn(_gunicorn.DOCKERFILE_OPTIONS, log, env=env) as port,
    ):
        assert not (directory / "counter_999999.db").exists()  # emptied at start
        for _ in range(30):
            assert _get(port, "/healthz")[0] == 200
        # Whichever of the three workers answers the scrape, it reports all of them.
        for _ in range(5):
            status, text = _get(port, "/metrics", auth)
            assert status == 200
            assert _samples(text)[healthz] == 30
        # A worker killed and replaced (child_exit marks it dead): its counts remain.
        # This test's gunicorn, by its address: other servers of the run may be children too.
        (master,) = [
            pid
            for pid in _children(os.getpid())
            if "gunicorn" in (cmdline := Path(f"/proc/{pid}/cmdline").read_text())
            and f":{port}\x00" in cmdline + "\x00"
        ]
        workers = _children(master)
        assert len(workers) == 3
        os.kill(workers[0], signal.SIGKILL)
        assert wait_for(lambda: len(set(_children(master)) - set(workers)) == 1)
        status, text = _get(port, "/metrics", auth)
        assert _samples(text)[healthz] == 30
        assert _get(port, "/metrics")[0] == 404  # no token
