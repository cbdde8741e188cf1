"""Background tasks: one plain function per kind of work, run the same way by every backend.

Each is registered under ``comparer.<name>`` both in ``TASKS`` (the in-process and PostgreSQL
queue backends look it up there) and as a Celery task (``celery -A comparer worker``). Callers
never use these directly: they go through ``comparer.jobs`` (``enqueue_analysis`` and friends).

Analysis runs in two steps so that several workers help: claims and embeddings are computed
for each article without a lock (idempotent, parallel), then the step that stores the claims
with their events and clusters, which reads what earlier runs wrote, runs under one PostgreSQL
advisory lock for the whole database.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager

from celery import shared_task
from django.db import connection, transaction

logger = logging.getLogger("comparer.tasks")

TASKS: dict[str, Callable] = {}
# Any 64-bit constant works; it only has to be the same in every process.
ANALYSIS_LOCK_KEY = 0x636F6D7061726572  # "comparer"


def task(**celery_options):
    def register(function: Callable) -> Callable:
        name = f"comparer.{function.__name__}"
        TASKS[name] = function
        function.celery_task = shared_task(name=name, **celery_options)(function)
        return function
    return register


@contextmanager
def analysis_lock():
    """Serialise event and claim clustering across every process that shares the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ANALYSIS_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ANALYSIS_LOCK_KEY])


def _prepare_claims(articles) -> dict:
    """Claims and embeddings for the articles, outside the clustering lock: the same
    ``run.prepare_claims`` that ``run.analyze`` starts with (sentences of all the articles
    encoded in one batch, vectors cached by text hash), so that several workers encode in
    parallel. The claims are returned unsaved: the locked step stores each once, with its event
    (and clusters), instead of writing every row again."""
    from comparer.pipeline.run import prepare_claims

    try:
        return prepare_claims(articles)
    except Exception:  # noqa: BLE001 - run.analyze retries each article and records its error on it
        logger.warning("could not prepare the claims of %s articles; analysis will retry them", len(articles),
                       exc_info=True)
        return {}


@task()
def analyse_articles(article_ids: list[int]) -> str:
    """Analyse the given articles that are still pending; returns the analysis report line."""
    from comparer.models import Article
    from comparer.pipeline.run import analyze

    def pending():
        return list(Article.objects.filter(id__in=article_ids, analysis_status=Article.AnalysisStatus.PENDING)
                    .select_related("outlet"))

    prepared = _prepare_claims(pending())
    with analysis_lock():
        report = analyze(pending(), prepared_claims=prepared)
    logger.info("analysed %s: %s", article_ids, report)
    return str(report)


@task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def fetch_url(url: str, outlet_name: str = "") -> int:
    """Fetch a page, ingest its article and enqueue its analysis; returns the article id."""
    from comparer.feeds.fetch import FetchError
    from comparer.feeds.services import url_ingest

    try:
        article, _ = url_ingest(url=url, outlet_name=outlet_name)
    except FetchError as error:
        if error.transient:
            raise OSError(str(error)) from error  # retried with back-off
        raise
    return article.id


@task()
def poll_feed(feed_id: int) -> str:
    from comparer.feeds.models import Feed
    from comparer.feeds.services import feed_poll

    feed = Feed.objects.filter(id=feed_id, active=True).first()
    if feed is None:
        return f"feed {feed_id}: not found or paused"
    return str(feed_poll(feed=feed))


@task()
def poll_due_feeds() -> int:
    """The periodic task: enqueue a poll of every feed that is due. Returns how many.

    Each feed's ``next_poll_at`` is pushed one interval ahead as it is enqueued, so a slow poll
    is never enqueued twice; ``feed_poll`` then sets the real next time (or the back-off).
    """
    from datetime import timedelta

    from django.utils import timezone

    from comparer import jobs
    from comparer.feeds.models import Feed
    from comparer.feeds.services import feeds_due

    now = timezone.now()
    with transaction.atomic():
        due = list(feeds_due(now).select_for_update(skip_locked=True).only("id", "poll_interval"))
        for feed in due:
            Feed.objects.filter(id=feed.id).update(next_poll_at=now + timedelta(seconds=feed.poll_interval))
            jobs.enqueue_feed_poll(feed.id)
    return len(due)


@task()
def retrain_relations() -> str:
    """Re-train the relation model with the project's ``train_relations`` command."""
    import io

    from django.core.management import call_command

    output = io.StringIO()
    call_command("train_relations", stdout=output)
    return output.getvalue().strip().splitlines()[-1] if output.getvalue().strip() else "trained"


@task()
def send_due_digests() -> str:
    """The periodic task (Celery beat, ``run_jobs``): mail every watch digest that is due."""
    from comparer.watches.services import digests_send_due

    return str(digests_send_due())
