import os
import subprocess
import sys
import threading

import pytest
from django.db import transaction

from comparer import jobs
from comparer.models import Article
from comparer.pipeline.ingest import ingest_paths
from tests.conftest import FIXTURES, ROOT

ONE_ARTICLE = FIXTURES / "demo" / "01_exchange-postponed-kyiv.json"


@pytest.mark.django_db
def test_sync_backend_runs_the_analysis_before_returning(settings):
    settings.COMPARER_TASK_BACKEND = "sync"
    ids = [a.id for a in ingest_paths([ONE_ARTICLE]).created]

    jobs.enqueue_analysis(ids)

    assert set(Article.objects.filter(id__in=ids).values_list("analysis_status", flat=True)) == {"done"}


@pytest.mark.django_db
def test_inline_backend_waits_for_the_callers_commit(settings, django_capture_on_commit_callbacks):
    settings.COMPARER_TASK_BACKEND = "inline"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.enqueue_analysis([1, 2])
        jobs.enqueue_analysis([])          # nothing to do, nothing scheduled
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_inline_backend_analyses_in_a_background_thread(settings):
    settings.COMPARER_TASK_BACKEND = "inline"
    ids = [a.id for a in ingest_paths([ONE_ARTICLE]).created]

    with transaction.atomic():
        jobs.enqueue_analysis(ids)
        assert Article.objects.filter(id__in=ids, analysis_status="pending").count() == len(ids)

    workers = [t for t in threading.enumerate() if t.name == "comparer-comparer.analyse_articles"]
    assert workers, "no background thread was started after the commit"
    for worker in workers:
        worker.join(timeout=180)
        assert not worker.is_alive(), "the background analysis did not finish"
    assert set(Article.objects.filter(id__in=ids).values_list("analysis_status", flat=True)) == {"done"}


@pytest.mark.django_db
def test_celery_backend_routes_fetching_and_analysis_to_their_queues(settings, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    from comparer.celery import app

    settings.COMPARER_TASK_BACKEND = "celery"
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, queue: sent.append((name, kwargs, queue)))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_analysis([3])
        jobs.enqueue_fetch_url("http://127.0.0.1:9/a", outlet_name="X")
        jobs.enqueue_feed_poll(7)
        assert sent == []                  # nothing leaves before the commit
    assert sent == [("comparer.analyse_articles", {"article_ids": [3]}, "analysis"),
                    ("comparer.fetch_url", {"url": "http://127.0.0.1:9/a", "outlet_name": "X"}, "fetch"),
                    ("comparer.poll_feed", {"feed_id": 7}, "fetch")]


def test_an_unknown_backend_is_refused_with_the_choices():
    env = {**os.environ, "COMPARER_TASK_BACKEND": "rabbit", "DJANGO_SETTINGS_MODULE": "comparer.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "COMPARER_TASK_BACKEND='rabbit' is not one of inline, sync, queue, celery" in result.stderr


@pytest.mark.django_db
def test_an_article_that_fails_preparation_does_not_stop_the_batch(settings, monkeypatch):
    from comparer.pipeline import run
    from comparer.tasks import analyse_articles

    settings.COMPARER_TASK_BACKEND = "sync"
    ids = [a.id for a in ingest_paths([ONE_ARTICLE, FIXTURES / "demo" / "02_exchange-no-show-moscow.json"]).created]
    bad = ids[0]
    real = run.extract_article_claims

    def broken_for_one(article):
        if article.id == bad:
            raise ValueError("unparseable article")
        return real(article)

    monkeypatch.setattr(run, "extract_article_claims", broken_for_one)

    analyse_articles(ids)

    statuses = dict(Article.objects.filter(id__in=ids).values_list("id", "analysis_status"))
    assert statuses[bad] == "failed" and all(s == "done" for i, s in statuses.items() if i != bad)
    assert "unparseable article" in Article.objects.get(id=bad).analysis_error
