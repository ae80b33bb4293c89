"""Benchmark: throughput and latency under load, gunicorn (2 workers, ``titles.wsgi``) on loopback.

    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/titles_bench \
        [--seconds 10] [--connections 8] [--write-rate 5]

Starts gunicorn with ``bench.settings`` (the project plus ``/bench/bare/``), then loads each page
in turn for ``--seconds`` from this process: ``--connections`` threads, each with one keep-alive
HTTP/1.1 connection, requesting as fast as answers come. Signed-in pages use a session created in
the database beforehand (verified for staff roles, as ``tests.factories.sign_in_verified`` does).
Each connection keeps the CSRF cookie it is given and sends it back, as a browser does. While a
page is loaded, ``bench/writer.py`` commits ``--write-rate`` times a second (default 5) the
writes users make (sessions, drafts, uploads, notifications, verifications): real traffic reads
while others write. Then the same again with nothing written, for comparison. Prints requests/s
and p95 latency, each with its ratio to the bare view under the same load in the same run.
The load client runs on the same (small, shared) machine, so it takes CPU from the server; the
ratios, not the absolute numbers, are what to read. Nothing here is asserted by the tests.
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pages, session_cookie, setup  # noqa: E402
from bench.writer import Writer  # noqa: E402

LOADED = ["bare view (baseline)", "applicant dashboard", "agency queue", "verification"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def csrf_cookie(response) -> str | None:
    """``csrftoken=...`` from the response's Set-Cookie headers, if it sets one."""
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("csrftoken="):
            return header.split(";", 1)[0]
    return None


def load(port: int, url: str, cookie: str | None, seconds: float, connections: int) -> dict:
    headers = {"Host": "127.0.0.1", "Connection": "keep-alive"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        codes: dict[int, int] = {}
        mine_headers = dict(headers)
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                connection.request("GET", url, headers=mine_headers)
                response = connection.getresponse()
                response.read()
                csrf = csrf_cookie(response)
                if csrf:  # kept and sent back, as a browser does
                    session = [f"sessionid={cookie}"] if cookie else []
                    mine_headers["Cookie"] = "; ".join([*session, csrf])
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                codes[0] = codes.get(0, 0) + 1
                continue
            mine.append(time.perf_counter() - start)
            codes[response.status] = codes.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, number in codes.items():
                statuses[code] = statuses.get(code, 0) + number

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p95_ms": p95 * 1000,
        "statuses": statuses,
    }


def serve_and_load(targets, cookies: dict, arguments, extra_env: dict) -> list[dict]:
    """Start gunicorn (with ``extra_env``), load each page in turn while the writer commits
    ``arguments.write_rate`` times a second (0: nothing written), stop it."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **extra_env}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "titles.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
    )
    results = []
    try:
        wait_ready(port)
        rate = getattr(arguments, "write_rate", 0)
        for page in targets:
            load(port, page.url, cookies[page.name], 1.0, arguments.connections)  # warm up
            started = time.monotonic()
            with Writer(os.environ["DATABASE_URL"], rate) as writer:
                row = load(
                    port, page.url, cookies[page.name], arguments.seconds, arguments.connections
                )
            commits = sum(writer.commits.values())
            row["writes_per_s"] = commits / (time.monotonic() - started)
            results.append({"page": page.name, "url": page.url, **row})
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--write-rate", type=float, default=5, help="commits per second by the writer (0: none)"
    )
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    setup(arguments.database_url)
    from django.db import connection

    targets = [page for page in pages() if page.name in LOADED]
    cookies = {page.name: session_cookie(page) for page in targets}
    connection.close()
    results = serve_and_load(targets, cookies, arguments, {})
    # The same pages with nothing written, for comparison.
    idle_arguments = argparse.Namespace(**{**vars(arguments), "write_rate": 0})
    idle = serve_and_load(targets, cookies, idle_arguments, {})
    bare, idle_bare = results[0], idle[0]
    for row, quiet in zip(results, idle, strict=True):
        row["rps_ratio"] = row["rps"] / bare["rps"]
        row["p95_ratio"] = row["p95_ms"] / bare["p95_ms"]
        row["idle_rps"] = quiet["rps"]
        row["idle_rps_ratio"] = quiet["rps"] / idle_bare["rps"]
        row["idle_p95_ms"] = quiet["p95_ms"]
    print(
        f"\nload: gunicorn 2 workers, {arguments.connections} connections, "
        f"{arguments.seconds:g} s per page, a writer committing {arguments.write_rate:g}/s "
        "(sessions, drafts, uploads, notifications, verifications)"
    )
    print(
        f"{'page':24} {'requests/s':>10} {'vs bare':>8} {'p95 ms':>8} {'vs bare':>8} "
        f"{'writes/s':>8} {'idle req/s':>10} {'vs bare':>8}  statuses"
    )
    for row in results:
        print(
            f"{row['page']:24} {row['rps']:>10.1f} {row['rps_ratio']:>8.0%} {row['p95_ms']:>8.1f} "
            f"{row['p95_ratio']:>8.1f} {row['writes_per_s']:>8.1f} {row['idle_rps']:>10.1f} "
            f"{row['idle_rps_ratio']:>8.0%}  {row['statuses']}"
        )
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
