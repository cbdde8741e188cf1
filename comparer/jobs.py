"""Background work dispatch: the one entry point the web UI, the API, the admin and feeds call.

``enqueue_analysis(article_ids)`` (and ``enqueue_fetch_url``, ``enqueue_feed_poll``,
``enqueue_retraining``) schedule a task from ``comparer.tasks`` without blocking the caller.
The backend is chosen by ``COMPARER_TASK_BACKEND``:

- ``inline``  a daemon thread in this process, started when the caller's transaction commits
              (the embedded default; no extra server);
- ``sync``    run now, in the caller's thread and transaction (tests, scripts);
- ``queue``   a ``feeds.Job`` row written in the caller's transaction, run by
              ``python manage.py run_jobs`` workers (PostgreSQL only, survives restarts);
- ``celery``  sent to Redis when the caller's transaction commits, run by
              ``celery -A comparer worker -Q fetch,analysis``.

Work is only handed to another thread or process after commit: before that, the rows the task
needs are invisible to it.
"""
from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger("comparer.jobs")

ANALYSE_ARTICLES = "comparer.analyse_articles"
FETCH_URL = "comparer.fetch_url"
POLL_FEED = "comparer.poll_feed"
RETRAIN_RELATIONS = "comparer.retrain_relations"


def queue_of(task_name: str) -> str:
    """The queue a task runs on: ``fetch`` (network) or ``analysis`` (CPU), from CELERY_TASK_ROUTES."""
    route = settings.CELERY_TASK_ROUTES.get(task_name, {})
    return route.get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)


def run_task(task_name: str, payload: dict):
    from comparer.tasks import TASKS

    try:
        function = TASKS[task_name]
    except KeyError:
        raise LookupError(f"unknown task {task_name!r}; known tasks: {', '.join(sorted(TASKS))}") from None
    return function(**payload)


def _run_in_thread(task_name: str, payload: dict) -> None:
    close_old_connections()
    try:
        run_task(task_name, payload)
    except Exception:
        logger.exception("background task %s failed for %s", task_name, payload)
    finally:
        close_old_connections()


def enqueue(task_name: str, **payload) -> None:
    """Schedule ``task_name`` with keyword arguments ``payload`` (JSON-serialisable) on the configured backend."""
    backend = settings.COMPARER_TASK_BACKEND
    if backend == "sync":
        run_task(task_name, payload)
    elif backend == "queue":
        from comparer.feeds.models import Job

        Job.objects.create(task=task_name, queue=queue_of(task_name), payload=payload)
    elif backend == "celery":
        from comparer.celery import app

        transaction.on_commit(lambda: app.send_task(task_name, kwargs=payload, queue=queue_of(task_name)))
    else:
        transaction.on_commit(lambda: threading.Thread(
            target=_run_in_thread, args=(task_name, payload), daemon=True, name=f"comparer-{task_name}").start())


def enqueue_analysis(article_ids: list[int]) -> None:
    if article_ids:
        enqueue(ANALYSE_ARTICLES, article_ids=[int(i) for i in article_ids])


def enqueue_fetch_url(url: str, outlet_name: str = "") -> None:
    enqueue(FETCH_URL, url=url, outlet_name=outlet_name)


def enqueue_feed_poll(feed_id: int) -> None:
    enqueue(POLL_FEED, feed_id=int(feed_id))


def enqueue_retraining() -> None:
    enqueue(RETRAIN_RELATIONS)
