"""The PostgreSQL job queue behind ``COMPARER_TASK_BACKEND="queue"`` (no server besides PostgreSQL).

Workers (``python manage.py run_jobs``) claim one job at a time with
``SELECT … FOR UPDATE SKIP LOCKED``, so any number of them, on any machine that reaches the
database, share the queue without double work. A failed attempt is retried with exponential
back-off up to ``max_attempts``; the last error is kept on the row. A job left ``running`` by
a worker that died is claimed again after ``COMPARER_JOBS["STALE_AFTER"]`` seconds.
"""
from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from comparer.feeds.models import Job

logger = logging.getLogger("comparer.jobs")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_next_job(queues: Sequence[str], worker: str) -> Job | None:
    """Mark the oldest ready job on ``queues`` as running by ``worker`` and return it (or None)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.COMPARER_JOBS["STALE_AFTER"])
    with transaction.atomic():
        job = (Job.objects.select_for_update(skip_locked=True)
               .filter(queue__in=list(queues))
               .filter(Q(status=Job.Status.QUEUED, run_after__lte=now)
                       | Q(status=Job.Status.RUNNING, claimed_at__lt=stale))
               .order_by("run_after", "id").first())
        if job is None:
            return None
        job.status, job.claimed_by, job.claimed_at = Job.Status.RUNNING, worker, now
        job.attempts += 1
        job.save(update_fields=["status", "claimed_by", "claimed_at", "attempts"])
    return job


def run_job(job: Job) -> bool:
    """Run a claimed job and record the outcome. Returns True when it succeeded."""
    from comparer.jobs import run_task

    try:
        run_task(job.task, job.payload)
    except Exception as exc:  # the job row records the failure; the worker carries on with the next job
        logger.exception("job %s (%s) failed", job.id, job.task)
        message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:4000]
        if job.attempts < job.max_attempts:
            delay = settings.COMPARER_JOBS["RETRY_DELAY"] * 2 ** (job.attempts - 1)
            Job.objects.filter(id=job.id).update(status=Job.Status.QUEUED, error=message,
                                                 run_after=timezone.now() + timedelta(seconds=delay))
        else:
            Job.objects.filter(id=job.id).update(status=Job.Status.FAILED, error=message,
                                                 finished_at=timezone.now())
        return False
    Job.objects.filter(id=job.id).update(status=Job.Status.DONE, error="", finished_at=timezone.now())
    return True


def work(queues: Sequence[str], *, burst: bool = False, idle_sleep: float = 1.0,
         should_stop: Callable[[], bool] = lambda: False,
         before_each: Callable[[], None] | None = None) -> dict[str, int]:
    """Run jobs until ``should_stop()`` (or, with ``burst``, until none is ready). Returns counts.

    ``before_each`` runs before every claim; the worker command uses it for periodic feed polling.
    """
    worker = worker_name()
    counts = {"done": 0, "failed": 0}
    while not should_stop():
        if not connection.in_atomic_block:  # a worker drops broken or expired connections between jobs
            close_old_connections()
        if before_each is not None:
            before_each()
        job = claim_next_job(queues, worker)
        if job is None:
            if burst:
                break
            time.sleep(idle_sleep)
            continue
        counts["done" if run_job(job) else "failed"] += 1
    return counts


def job_retry(*, jobs) -> int:
    """Put failed jobs back on their queue, with a fresh set of attempts."""
    return Job.objects.filter(id__in=[j.id for j in jobs], status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED, attempts=0, run_after=timezone.now(), finished_at=None)
