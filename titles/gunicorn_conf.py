"""gunicorn's settings, from the environment: ``gunicorn -c python:titles.gunicorn_conf
titles.wsgi``. The defaults suit a 2-CPU machine behind a reverse proxy.

| variable | default | meaning |
| --- | --- | --- |
| ``PORT`` | 8000 | the port to listen on (all interfaces of the container) |
| ``GUNICORN_WORKERS`` | 3 | worker processes (about 2 per CPU; each holds a database connection) |
| ``GUNICORN_THREADS`` | 1 | threads per worker |
| ``GUNICORN_TIMEOUT`` | 60 | seconds a request may take before its worker is restarted; above
  ``MATERIAL_CHECK_SECONDS`` (the PDF check of an upload) |
| ``GUNICORN_GRACEFUL_TIMEOUT`` | 30 | seconds running requests get to finish on SIGTERM |
| ``GUNICORN_KEEPALIVE`` | 5 | seconds a connection from the proxy is kept open |
| ``GUNICORN_MAX_REQUESTS`` | 2000 | a worker is replaced after this many requests (0: never) |
| ``TRUSTED_PROXIES`` | 127.0.0.1,::1 | who may set ``X-Forwarded-Proto`` (as in the settings) |
"""

import os
import shutil
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


bind = f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("GUNICORN_WORKERS", 3)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
# The site writes its own request line (titles.middleware_ops); no access log here.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
if Path("/dev/shm").is_dir():  # noqa: S108 - a memory file system for the worker heartbeats
    worker_tmp_dir = "/dev/shm"  # noqa: S108
if os.environ.get("LOG_FORMAT", "json") == "json":
    # gunicorn's own lines (start, stop, a worker timing out) as JSON lines too.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "titles.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["console"],
                "propagate": False,
            },
        },
    }


def on_starting(server) -> None:
    """A fresh directory for the request metrics of this run's worker processes."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    """A worker that ended no longer counts in the live gauges of the metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess  # noqa: PLC0415 — slow import: only where metrics are served

        multiprocess.mark_process_dead(worker.pid)
