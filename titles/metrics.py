"""Prometheus metrics: requests (counted by titles.middleware_ops), and the system's state read
when scraped: the task queue, live workers and beat, overdue deadlines, the email outbox.

Under gunicorn each worker process counts its own requests; with ``PROMETHEUS_MULTIPROC_DIR``
set (the image sets it; titles/gunicorn.py empties it at start and drops a dead worker's files)
prometheus-client adds them up across processes at each scrape. Without it (``runserver``, the
tests) the one process's counts are served.
"""

import ipaddress
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

_REQUESTS_REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "titles_http_requests",
    "HTTP requests answered, by method, view and status.",
    ["method", "view", "status"],
    registry=_REQUESTS_REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "titles_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=_REQUESTS_REGISTRY,
)
# An email still pending this long after its attempt was due is stuck (the sweeper re-queues
# after a minute; see titles.notifications).
OUTBOX_STUCK_AFTER_SECONDS = 600


def request_observe(*, method: str, view: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, view=view or "unmatched", status=str(status)).inc()
    REQUEST_SECONDS.labels(view=view or "unmatched").observe(seconds)


def _queue_sizes() -> dict[str, int] | None:
    """Messages waiting in each task queue, or None when the broker does not answer."""
    from titles.celery import app as celery_app  # noqa: PLC0415 — app ready: the Celery app loads the tasks

    queues = {celery_app.conf.task_default_queue or "celery"}
    sizes = {}
    try:
        with celery_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            channel = conn.default_channel
            for queue in sorted(queues):
                try:
                    sizes[queue] = channel.queue_declare(queue=queue, passive=True).message_count
                except Exception:  # a queue nobody has declared yet holds nothing
                    sizes[queue] = 0
    except Exception:
        log.warning("the broker does not answer for the queue metrics", exc_info=True)
        return None
    return sizes


class StateCollector:
    """Gauges read from PostgreSQL, the broker and the heartbeats at each scrape."""

    def collect(self):
        from titles.heartbeat import heartbeats_alive  # noqa: PLC0415 — app ready: it reads the settings
        from titles.models import OutboxEmail, OutboxStatus, TrackedDeadline  # noqa: PLC0415 — app ready: models load after the apps

        now = timezone.now()
        sizes = _queue_sizes()
        broker = GaugeMetricFamily("titles_broker_up", "1 when the task broker answers.")
        broker.add_metric([], 1 if sizes is not None else 0)
        yield broker
        queue = GaugeMetricFamily(
            "titles_queue_messages", "Tasks waiting in the queue.", labels=["queue"]
        )
        for name, size in (sizes or {}).items():
            queue.add_metric([name], size)
        yield queue

        for role, help_text in (
            ("worker", "Celery workers with a heartbeat in the last minute."),
            ("beat", "Celery beat schedulers with a heartbeat in the last minute."),
        ):
            try:
                alive = len(heartbeats_alive(role))
            except Exception:
                alive = 0
            gauge = GaugeMetricFamily(f"titles_{role}s_alive", help_text)
            gauge.add_metric([], alive)
            yield gauge

        overdue = GaugeMetricFamily(
            "titles_deadlines_overdue",
            "Open tracked deadlines already past, by rule (a sweep not running, or a notice "
            "held by an open objection).",
            labels=["rule"],
        )
        rows = (
            TrackedDeadline.objects.filter(closed_at__isnull=True, due_at__lt=now)
            .values("rule")
            .annotate(count=Count("id"))
            .order_by("rule")
        )
        for row in rows:
            overdue.add_metric([row["rule"]], row["count"])
        yield overdue

        outbox = GaugeMetricFamily(
            "titles_outbox_emails", "Emails pending or failed for good.", labels=["status"]
        )
        counts = dict(
            OutboxEmail.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED])
            .values_list("status")
            .annotate(count=Count("id"))
            .order_by()
        )
        for status in (OutboxStatus.PENDING, OutboxStatus.FAILED):
            outbox.add_metric([str(status)], counts.get(status, 0))
        yield outbox
        stuck = GaugeMetricFamily(
            "titles_outbox_emails_stuck",
            f"Pending emails whose attempt was due over {OUTBOX_STUCK_AFTER_SECONDS} s ago.",
        )
        stuck.add_metric(
            [],
            OutboxEmail.objects.filter(
                status=OutboxStatus.PENDING,
                next_attempt_at__lt=now - timedelta(seconds=OUTBOX_STUCK_AFTER_SECONDS),
            ).count(),
        )
        yield stuck


def metrics_scrape() -> bytes:
    """The exposition text: request counts (of every gunicorn process) and the state gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_REQUESTS_REGISTRY)
    registry.register(StateCollector())
    return generate_latest(registry)


def metrics_allowed(request, client_address: str | None) -> bool:
    """Staff signed in with their second factor, or an address in ``METRICS_ALLOWED_NETWORKS``
    (the monitoring server's network)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff and user.is_verified():
        return True
    if not client_address:
        return False
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)
