"""The signed-in pages against a bare Django view, for working on their cost (not a benchmark of
record: bench/run_all.py skips modules starting with an underscore; bench/load.py is the one).

Serves CoCharter with gunicorn as the Dockerfile does (bench/_gunicorn.py) and, beside it, the
bare view (bench/_bare_wsgi.py: one view, Django's standard middleware, same options), then
loads them in turn, interleaved, ROUNDS times for SECONDS each with CONNECTIONS clients: the
ratio of each page to the bare view in the same round is what counts, as absolute figures move
with whatever else the two shared cores are doing. Uses wrk when it is on PATH, else Python
threads (which take a core of their own, so the bare view's figure is then the client's).

Then, in this process, one request of each page through Django's test client: the queries it
makes (printed with ``-v``) and, with ``--profile``, cProfile's top functions.

    .venv/bin/python infra/dev/services.py exec -- .venv/bin/python bench/_signed_in_profile.py
    ... bench/_signed_in_profile.py --queries-only -v    # queries per page, no server
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from bench import _gunicorn, _sessions  # noqa: E402
from platform_.accounts.models import User  # noqa: E402
from platform_.demo import DEMO_LOGINS, ensure_demo_tenant  # noqa: E402

PAGES = {"org_member": "/org/", "officer_applications": "/manage/applications/"}
LOGIN_OF = {"org_member": "organisation member", "officer_applications": "council officer"}


def wrk_rps(port: int, path: str, host: str, cookie: str, seconds: float, clients: int) -> float:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds:g}s", "-H", f"Host: {host}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{path}: {non_2xx.group(1)} answers were not 200\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def threads_rps(port: int, path: str, host: str, cookie: str, seconds: float, clients: int):
    done = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            status = _gunicorn.get(port, path, host=host, cookie=cookie)
            if status != 200:
                raise SystemExit(f"{path}: {status}")
            with lock:
                done[0] += 1

    workers = [threading.Thread(target=client) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return done[0] / seconds


def load(args, tenant, cookies) -> None:
    measure = wrk_rps if shutil.which("wrk") else threads_rps
    host = tenant.primary_domain
    print(f"load_generator={'wrk' if measure is wrk_rps else 'python-threads'}")
    print(f"loadavg_before={os.getloadavg()[0]:.2f}")
    with (
        _gunicorn.log_file() as log,
        _gunicorn.log_file() as bare_log,
        _gunicorn.gunicorn(_gunicorn.DOCKERFILE_OPTIONS, log) as port,
        _gunicorn.gunicorn(
            _gunicorn.DOCKERFILE_OPTIONS,
            bare_log,
            app="bench._bare_wsgi:application",
            env={"DJANGO_SETTINGS_MODULE": "bench._bare_settings"},
        ) as bare_port,
    ):
        targets = {"bare": (bare_port, "/", "localhost", "")}
        for name, path in PAGES.items():
            targets[name] = (port, path, host, cookies[name])
        for target in targets.values():  # every worker loads its code and opens its connection
            for _ in range(6):
                _gunicorn.get(target[0], target[1], host=target[2], cookie=target[3])
        ratios: dict[str, list[float]] = {name: [] for name in PAGES}
        rps: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            this_round = {
                name: measure(*target, args.seconds, args.connections)
                for name, target in targets.items()
            }
            for name, value in this_round.items():
                rps[name].append(value)
            for name in PAGES:
                ratios[name].append(this_round[name] / this_round["bare"])
    for name, values in rps.items():
        print(f"{name}_rps={statistics.median(values):.0f}")
    for name, values in ratios.items():
        print(
            f"{name}_ratio={statistics.median(values):.3f}  (rounds: "
            + " ".join(f"{v:.3f}" for v in values)
            + ")"
        )
    print(f"loadavg_after={os.getloadavg()[0]:.2f}")


def in_process(args, tenant, cookies) -> None:
    client = Client(HTTP_HOST=tenant.primary_domain)
    for name, path in PAGES.items():
        client.cookies[settings.SESSION_COOKIE_NAME] = cookies[name].split("=", 1)[1]
        client.get(path)  # warm: templates compiled, caches filled
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        print(f"{name}_queries={len(queries)}")
        if args.verbose:
            for query in queries.captured_queries:
                print("   ", query["sql"][:300])
        wall, cpu = [], []
        for _ in range(5):  # the least of five batches: the two cores are shared
            started, started_cpu = time.perf_counter(), time.process_time()
            for _ in range(20):
                client.get(path)
            wall.append((time.perf_counter() - started) / 20 * 1000)
            cpu.append((time.process_time() - started_cpu) / 20 * 1000)
        # CPU time is this process's own work (not the database's), steadier than wall time.
        print(f"{name}_in_process_ms={min(wall):.2f} {name}_cpu_ms={min(cpu):.2f}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(50):
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--queries-only", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    tenant, _ = ensure_demo_tenant()
    with tenant_context(tenant):
        cookies = {
            name: _sessions.session_cookie(User.objects.get(email=DEMO_LOGINS[LOGIN_OF[name]][0]))
            for name in PAGES
        }
    in_process(args, tenant, cookies)
    if not args.queries_only:
        load(args, tenant, cookies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
