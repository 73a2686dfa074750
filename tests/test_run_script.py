"""scripts/run.sh: the demo starts, and stopping the script stops everything it started.

Slower than most tests (the first start migrates and seeds a fresh SQLite database), so both
stops share one data folder: the second start finds the demo already there.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STOPS_WITHIN = 10  # seconds
# Settings of the test run that would point the demo at the test database and broker.
TEST_ONLY = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SITE_URL",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every live process: pid -> (parent pid, start time, state)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and brackets; the fields after it do not.
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), fields[19], fields[0])
    return found


def _family(pid: int) -> set[tuple[int, str]]:
    """The script and everything it started, however deep, as (pid, start time)."""
    processes = _processes()
    family, frontier = set(), [pid]
    while frontier:
        parent = frontier.pop()
        if parent in processes:
            family.add((parent, processes[parent][1]))
        children = [p for p, (ppid, _, _) in processes.items() if ppid == parent]
        frontier.extend(children)
    return family


def _still_running(family: set[tuple[int, str]]) -> list[int]:
    processes = _processes()
    return [
        pid
        for pid, started in family
        if pid in processes and processes[pid][1] == started and processes[pid][2] != "Z"
    ]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("run-script") / "data"


@pytest.fixture
def running(data_dir):
    """scripts/run.sh started as from a terminal, once its sign-in page answers and its worker
    is ready."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    # The packages are those scripts/test.sh installed, so setup finds nothing to do.
    env.update(DATA_DIR=str(data_dir), PORT=str(port), WITH_DEV="1")
    log_path = data_dir.parent / f"run-{port}.log"
    with log_path.open("wb") as log:
        script = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, as a terminal's foreground job has.
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/sign-in/"
    deadline = time.monotonic() + 150
    family: set[tuple[int, str]] = set()
    try:
        while True:
            assert script.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            worker_ready = " ready." in log_path.read_text(errors="replace")
            if worker_ready and _answers(url):
                break
            time.sleep(0.5)
        family = _family(script.pid)
        yield script, family, log_path
    finally:
        # Whatever happened, nothing the script started outlives the test.
        for pid in _still_running(family | _family(script.pid)):
            os.kill(pid, signal.SIGKILL)
        script.wait(timeout=10)


def _assert_all_stop(script, family, log_path) -> None:
    started = time.monotonic()
    try:
        script.wait(timeout=STOPS_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail("run.sh was still running 10 s after it was told to stop")
    while _still_running(family) and time.monotonic() - started < STOPS_WITHIN:
        time.sleep(0.1)
    assert _still_running(family) == [], log_path.read_text()[-3000:]
    output = log_path.read_text()
    assert "Sign in with any of the demo accounts listed above" in output
    assert "youthtrust@demo.example" in output


def test_ctrl_c_stops_the_web_server_and_the_worker_within_10_seconds(running):
    script, family, log_path = running
    # Both the server and the worker, with the worker's pool, were running.
    assert len(family) >= 4
    os.killpg(script.pid, signal.SIGINT)  # what Ctrl-C in its terminal sends
    _assert_all_stop(script, family, log_path)


def test_sigterm_to_the_script_stops_the_web_server_and_the_worker_within_10_seconds(running):
    script, family, log_path = running
    script.send_signal(signal.SIGTERM)
    _assert_all_stop(script, family, log_path)
