"""The Celery app "comparer": `celery -A comparer worker -Q fetch,analysis` runs background work.

Configuration comes from Django settings (the ``CELERY_*`` names); tasks are the functions in
``comparer.tasks``. Two queues: ``fetch`` (network-bound: URLs and feeds) and ``analysis``
(CPU-bound: embedding, clustering, relations), so each can get its own workers.
"""
from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comparer.settings")

app = Celery("comparer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["comparer"])
