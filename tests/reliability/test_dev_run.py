"""`./dev run` stopped by a service manager (SIGTERM) or a closed terminal (SIGHUP), at any moment,
stops everything it started: the web server, the worker, beat and the embedded PostgreSQL.

Runs `scripts/launch.py run` (what `./dev run` hands over to) as a developer would, without
DATABASE_URL or REDIS_URL, in a data folder of its own."""

import contextlib
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.reliability.services import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


class Launch:
    def __init__(self, data_dir: Path, port: int):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
        }
        env.update(DATA_DIR=str(data_dir), PORT=str(port), PYTHONUNBUFFERED="1")
        self.port = port
        self.pgdata = data_dir / "pgdata"
        self.process = subprocess.Popen(
            [sys.executable, "scripts/launch.py", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_for_line(self, fragment: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.output[-40:])
                continue
            if fragment in line:
                return
        raise AssertionError(f"no {fragment!r} in:\n" + "".join(self.output[-40:]))

    def wait_for_web(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=2
                ) as answer,
            ):
                if answer.status == 200:
                    return
            assert self.process.poll() is None, "".join(self.output[-40:])
            time.sleep(0.5)
        raise AssertionError("the web server did not answer:\n" + "".join(self.output[-40:]))

    def postgres(self) -> list[psutil.Process]:
        """The embedded PostgreSQL's processes (their command line names this data folder)."""
        found = []
        for process in psutil.process_iter(["cmdline"]):
            with contextlib.suppress(psutil.Error):
                if str(self.pgdata) in " ".join(process.info["cmdline"] or []):
                    found.append(process)
        return found

    def everything(self) -> list[psutil.Process]:
        """This launch, every process under it, and the PostgreSQL server it started."""
        root = psutil.Process(self.process.pid)
        return [root, *root.children(recursive=True), *self.postgres()]

    def stop_with(self, signum: int) -> list[psutil.Process]:
        started = self.everything()
        self.process.send_signal(signum)
        self.process.wait(90)
        return started


def assert_all_gone(processes: list[psutil.Process], launch: Launch) -> None:
    _gone, alive = psutil.wait_procs(processes, timeout=30)
    names = [(p.pid, p.name()) for p in alive if p.is_running()]
    assert names == [], "".join(launch.output[-40:])
    assert launch.postgres() == []
    assert not (launch.pgdata / "postmaster.pid").exists()


@pytest.fixture
def data_dir():
    directory = Path(tempfile.mkdtemp(prefix="titles-dev-run-"))
    directory.chmod(0o755)  # the embedded server runs as its own user when the tests run as root
    yield directory
    subprocess.run(["rm", "-rf", str(directory)], check=False)


def test_dev_run_stops_everything_on_sigterm_and_sighup_at_any_moment(data_dir):
    # 1. A service manager stops it while the database is being migrated.
    launch = Launch(data_dir, free_port())
    launch.wait_for_line("Operations to perform", seconds=240)
    assert launch.postgres(), "the embedded PostgreSQL should be running by now"
    processes = launch.stop_with(signal.SIGTERM)
    assert launch.process.returncode == 128 + signal.SIGTERM
    assert_all_gone(processes, launch)

    # 2. Stopped by SIGTERM while the web server, worker and beat run.
    launch = Launch(data_dir, free_port())
    launch.wait_for_line("The system is starting at", seconds=400)
    launch.wait_for_web(seconds=120)
    processes = launch.stop_with(signal.SIGTERM)
    assert len(processes) >= 5  # launch, web, worker, beat, PostgreSQL (and their children)
    assert_all_gone(processes, launch)

    # 3. The terminal it ran in is closed.
    launch = Launch(data_dir, free_port())
    launch.wait_for_line("The system is starting at", seconds=400)
    launch.wait_for_web(seconds=120)
    processes = launch.stop_with(signal.SIGHUP)
    assert_all_gone(processes, launch)
