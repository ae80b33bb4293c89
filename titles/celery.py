"""The Celery application; its configuration is in settings (``CELERY_*``).

Tasks are acknowledged late and rejected when a worker dies, so a task interrupted by a crash runs
again; every task is written to be safe to run twice. One periodic task, the deadline sweep, runs
every few minutes; deadlines live in ``*_due_at`` columns, never in tasks scheduled days ahead.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings")

app = Celery("titles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
