from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from comparer import jobs
from comparer.feeds.models import Job
from comparer.feeds.queue import claim_next_job, job_retry, work
from comparer.models import Article
from comparer.pipeline.ingest import ingest_paths
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_backend(settings):
    settings.COMPARER_TASK_BACKEND = "queue"
    settings.COMPARER_JOBS = {"STALE_AFTER": 900, "RETRY_DELAY": 0}
    return settings


def test_enqueued_analysis_is_a_job_row_that_a_worker_runs(queue_backend):
    report = ingest_paths([FIXTURES / "demo" / "01_exchange-postponed-kyiv.json",
                           FIXTURES / "demo" / "02_exchange-no-show-moscow.json"])
    ids = [a.id for a in report.created]

    jobs.enqueue_analysis(ids)

    job = Job.objects.get()
    assert (job.task, job.queue, job.status, job.payload) == (
        "comparer.analyse_articles", "analysis", "queued", {"article_ids": ids})
    assert Article.objects.filter(analysis_status="pending").count() == len(ids)
    assert work(["analysis"], burst=True) == {"done": 1, "failed": 0}
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1 and job.finished_at is not None
    assert set(Article.objects.values_list("analysis_status", flat=True)) == {"done"}
    assert Article.objects.filter(event__isnull=False).count() == len(ids)


def test_a_job_written_in_a_rolled_back_transaction_never_exists(queue_backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_analysis([1])
        raise RuntimeError("caller failed after enqueueing")
    assert not Job.objects.exists()


def test_workers_serve_only_their_queue(queue_backend):
    jobs.enqueue_fetch_url("http://127.0.0.1:9/never-fetched")
    assert Job.objects.get().queue == "fetch"
    assert work(["analysis"], burst=True) == {"done": 0, "failed": 0}
    assert Job.objects.get().status == "queued"


def test_failing_job_is_retried_then_failed_with_its_error(queue_backend):
    job = Job.objects.create(task="comparer.no_such_task", queue="analysis", payload={}, max_attempts=2)

    counts = work(["analysis"], burst=True)

    job.refresh_from_db()
    assert counts == {"done": 0, "failed": 2}
    assert job.status == "failed" and job.attempts == 2
    assert "unknown task 'comparer.no_such_task'" in job.error
    assert job_retry(jobs=[job]) == 1
    job.refresh_from_db()
    assert job.status == "queued" and job.attempts == 0


def test_retry_waits_with_back_off(queue_backend):
    queue_backend.COMPARER_JOBS = {"STALE_AFTER": 900, "RETRY_DELAY": 30}
    job = Job.objects.create(task="comparer.no_such_task", queue="analysis", payload={})
    before = timezone.now()

    work(["analysis"], burst=True)

    job.refresh_from_db()
    assert job.status == "queued" and job.attempts == 1
    assert job.run_after >= before + timedelta(seconds=30)


def test_two_claims_never_get_the_same_job_and_stale_jobs_come_back(queue_backend):
    first = Job.objects.create(task="comparer.poll_due_feeds", queue="fetch")
    second = Job.objects.create(task="comparer.poll_due_feeds", queue="fetch")

    assert claim_next_job(["fetch"], "worker-a").id == first.id
    assert claim_next_job(["fetch"], "worker-b").id == second.id
    assert claim_next_job(["fetch"], "worker-c") is None
    Job.objects.filter(id=first.id).update(claimed_at=timezone.now() - timedelta(hours=1))
    again = claim_next_job(["fetch"], "worker-c")
    assert again.id == first.id and again.claimed_by == "worker-c" and again.attempts == 2


def test_run_jobs_command_in_burst_mode(queue_backend, capsys):
    Job.objects.create(task="comparer.poll_due_feeds", queue="fetch")

    call_command("run_jobs", "--burst", "--queue", "fetch")

    assert "run_jobs: 1 done, 0 failed" in capsys.readouterr().out
    assert Job.objects.get().status == "done"
