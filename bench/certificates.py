"""Benchmark: issue certificates through the real task path (Redis broker, a Celery worker).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/titles REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/certificates.py [--count 200]

Creates a throwaway database (``test_<name>``, dropped at the end), fills it with applications in
``certifying``, starts one Celery worker process (solo pool) against it, queues
``task_issue_certificate`` for each application one after another and waits for each result.
Prints the median time per certificate (queue -> certificate committed), the worker's peak
resident memory (VmHWM), and the ratio of the median to WeasyPrint rendering a trivial page in
this process during the same run. Nothing here is asserted by the tests.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings_test")


def _trivial_render_seconds(runs: int) -> float:
    from weasyprint import HTML

    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        HTML(string="<p>Hello</p>").write_pdf()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    arguments = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if not str(getattr(settings, "CELERY_BROKER_URL", "")).startswith("redis://"):
        sys.exit("Set REDIS_URL: the benchmark runs a real worker over Redis.")
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    url = settings.DATABASES["default"]
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "titles.settings_test",
        "DATABASE_URL": (
            f"postgres://{url['USER']}{':' + url['PASSWORD'] if url['PASSWORD'] else ''}"
            f"@{url['HOST'] or '127.0.0.1'}:{url['PORT'] or 5432}/{database}"
        ),
    }
    worker = None
    try:
        from certificates.models import Certificate
        from certificates.tasks import task_issue_certificate
        from tests.certificates.factories import certifying

        print(f"creating {arguments.count} applications in certifying ...", flush=True)
        applications = [certifying(real_name=f"测试{index}") for index in range(arguments.count)]
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "titles",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=worker_env,
        )
        # Warm up: the first task loads WeasyPrint, pyHanko and the fonts in the worker.
        warm = certifying(real_name="预热")
        task_issue_certificate.delay(application_id=warm.pk).get(timeout=300)
        timings = []
        for application in applications:
            start = time.perf_counter()
            task_issue_certificate.delay(application_id=application.pk).get(timeout=300)
            timings.append(time.perf_counter() - start)
        trivial = _trivial_render_seconds(20)
        median = statistics.median(timings)
        issued = Certificate.objects.filter(application__in=applications).count()
        print(f"certificates issued:           {issued}")
        print(f"median time per certificate:   {median * 1000:.0f} ms")
        p90 = sorted(timings)[int(len(timings) * 0.9)]
        print(f"p90 time per certificate:      {p90 * 1000:.0f} ms")
        print(f"worker peak memory (VmHWM):    {_peak_kib(worker.pid) / 1024:.0f} MiB")
        print(f"trivial WeasyPrint page:       {trivial * 1000:.1f} ms")
        print(f"ratio certificate / trivial:   {median / trivial:.1f}")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
