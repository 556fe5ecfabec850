"""`make run` keeps web, worker and beat running: infra/dev/run.py's supervisor, with real
short-lived child processes standing in for them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from infra.dev import run

ROOT = Path(__file__).resolve().parents[2]

# Appends its pid to the log, exits 1 on its first `failures` starts, then runs until stopped.
CHILD = """
import os, pathlib, sys, time
log = pathlib.Path(sys.argv[1])
with log.open("a") as file:
    file.write(f"{os.getpid()}\\n")
if len(log.read_text().split()) <= int(sys.argv[2]):
    sys.exit(1)
time.sleep(120)
"""


def child(log: Path, *, failures: int) -> list[str]:
    return [sys.executable, "-c", CHILD, str(log), str(failures)]


def pids(log: Path) -> list[int]:
    return [int(pid) for pid in log.read_text().split()] if log.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_supervise_restarts_a_child_that_exits_and_leaves_the_others_running(tmp_path):
    flaky, steady = tmp_path / "flaky", tmp_path / "steady"
    stop = threading.Event()
    result = []
    supervisor = threading.Thread(
        target=lambda: result.append(
            run.supervise(
                {"flaky": child(flaky, failures=2), "steady": child(steady, failures=0)},
                cwd=ROOT,
                first_wait=0.1,
                poll=0.05,
                stop=stop,
            )
        )
    )
    supervisor.start()
    try:
        assert wait_for(lambda: len(pids(flaky)) == 3 and alive(pids(flaky)[-1]))
        time.sleep(0.3)  # still running, not restarted again
        assert len(pids(flaky)) == 3
        assert len(pids(steady)) == 1
        assert alive(pids(steady)[0])
    finally:
        stop.set()
        supervisor.join(timeout=30)

    assert result == [0]
    assert not any(alive(pid) for pid in pids(flaky) + pids(steady))


def test_supervise_stops_everything_when_a_child_keeps_exiting(tmp_path, capfd):
    broken, steady = tmp_path / "broken", tmp_path / "steady"

    code = run.supervise(
        {"broken": child(broken, failures=100), "steady": child(steady, failures=0)},
        cwd=ROOT,
        max_restarts=3,
        window=60,
        first_wait=0.05,
        poll=0.05,
    )

    assert code == 1
    assert len(pids(broken)) == 4  # the first start and three restarts
    assert not any(alive(pid) for pid in pids(steady))
    assert "[run] broken exited (code 1) 4 times within 60 s; stopping everything" in (
        capfd.readouterr().err
    )


def test_sigterm_stops_the_supervisor_and_every_child(tmp_path):
    web, worker = tmp_path / "web", tmp_path / "worker"
    script = (
        "import signal, sys\n"
        "from infra.dev import run\n"
        "signal.signal(signal.SIGTERM, run.stop_on_signal)\n"
        f"sys.exit(run.supervise({{'web': {child(web, failures=0)!r},"
        f" 'worker': {child(worker, failures=0)!r}}}, cwd=run.ROOT))\n"
    )
    supervisor = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        assert wait_for(lambda: pids(web) and pids(worker))
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()
    assert not any(alive(pid) for pid in pids(web) + pids(worker))


# Starts a grandchild (as runserver's reloader and gunicorn's master do), logs both pids, waits.
PARENT = """
import pathlib, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
pathlib.Path(sys.argv[1]).write_text(f"{grandchild.pid}\\n")
time.sleep(120)
"""


def test_stopping_also_stops_what_a_child_started(tmp_path):
    log = tmp_path / "grandchild"
    stop = threading.Event()
    supervisor = threading.Thread(
        target=run.supervise,
        args=({"web": [sys.executable, "-c", PARENT, str(log)]},),
        kwargs={"cwd": ROOT, "poll": 0.05, "stop": stop},
    )
    supervisor.start()
    try:
        assert wait_for(lambda: pids(log) and alive(pids(log)[0]))
    finally:
        stop.set()
        supervisor.join(timeout=30)

    assert wait_for(lambda: not alive(pids(log)[0]), timeout=5)


def test_make_run_serves_with_gunicorn_as_the_dockerfile_does():
    command = run.web_command("8123", {})

    assert command[:4] == [run.PYTHON, "-m", "gunicorn", "platform_.wsgi:application"]
    assert command[4:6] == ["--bind", "0.0.0.0:8123"]
    dockerfile = (ROOT / "infra" / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*?\])", dockerfile, re.M | re.S)[1].replace("\\\n", ""))
    assert cmd[:2] == ["gunicorn", "platform_.wsgi:application"]
    bind = cmd.index("--bind")
    assert cmd[bind + 1] == "0.0.0.0:8000"
    # Everything but the address is the same: config, workers, logging, whatever is added later.
    assert command[6:] == cmd[2:bind] + cmd[bind + 2 :] == run.GUNICORN_OPTIONS
    assert run.web_command("8123", {"RELOAD": "0"}) == command
    assert run.web_command("8123", {"RELOAD": ""}) == command


def test_make_run_reload_serves_with_runserver_which_reloads():
    assert run.web_command("8123", {"RELOAD": "1"}) == [
        run.PYTHON,
        "manage.py",
        "runserver",
        "0.0.0.0:8123",
    ]
