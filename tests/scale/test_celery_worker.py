"""A real Redis broker and a real `celery -A comparer worker` on loopback push a batch through."""
import time

import pytest

from comparer import jobs
from comparer.models import Article, ClaimRelation, Event
from comparer.pipeline.ingest import ingest_paths
from tests.conftest import FIXTURES
from tests.feeds.loopback import article_page

pytestmark = pytest.mark.slow

FERRY = [
    "The harbour authority said on Monday that the night ferry to the islands had been cancelled for a week.",
    "Two of the three ships failed a safety inspection on Friday, the authority told reporters.",
    "Passengers with tickets will be offered seats on the morning service or a full refund, it said.",
]


def wait_for(condition, worker, timeout=240.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode}:\n{worker.log_path.read_text()[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout}s; worker log:\n{worker.log_path.read_text()[-3000:]}")


def test_worker_fetches_and_analyses_a_batch(celery_worker, celery_app_on, site):
    report = ingest_paths([FIXTURES / "demo"])
    batch = [article.id for article in report.created]
    assert len(batch) >= 8
    page = site.put("/ferry", article_page("Night ferry to the islands cancelled", FERRY))

    jobs.enqueue_analysis(batch)                      # analysis queue
    jobs.enqueue_fetch_url(page, outlet_name="Loopback Gazette")   # fetch queue, which enqueues analysis

    def all_done():
        fetched = Article.objects.filter(url=page).first()
        return (fetched is not None and fetched.analysis_status == "done"
                and not Article.objects.exclude(analysis_status="done").exists())

    wait_for(all_done, celery_worker)
    fetched = Article.objects.get(url=page)
    assert "failed a safety inspection" in fetched.text and fetched.outlet.name == "Loopback Gazette"
    assert fetched.claims.exclude(embedding=None).count() == fetched.claims.count() > 0
    assert Event.objects.filter(outlet_count__gte=3).exists()
    assert ClaimRelation.objects.filter(label="contradict").exists()
    log = celery_worker.log_path.read_text()
    assert "comparer.fetch_url" in log and "comparer.analyse_articles" in log
    assert len(site.hits_on("/ferry")) == 1
