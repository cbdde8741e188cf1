import pytest

from comparer.feeds.models import Feed, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds(settings):
    settings.COMPARER_TASK_BACKEND = "queue"
    healthy = Feed.objects.create(url="http://127.0.0.1:9/ok.xml", title="Healthy feed")
    failing = Feed.objects.create(url="http://127.0.0.1:9/down.xml", title="Failing feed", consecutive_failures=3,
                                  last_error="http://127.0.0.1:9/down.xml: HTTP 503 Service Unavailable")
    Feed.objects.filter(id=healthy.id).update(last_polled_at="2025-06-08T09:00:00Z")
    return healthy, failing


def test_feed_health_is_shown_in_admin(admin_client, feeds):
    page = admin_client.get("/admin/feeds/feed/").content.decode()
    assert "Healthy feed" in page and "Failing feed" in page
    assert "failing (backing off)" in page and "HTTP 503 Service Unavailable" in page
    assert ">ok<" in page


def test_poll_now_action_enqueues_polls(admin_client, feeds):
    healthy, failing = feeds
    response = admin_client.post("/admin/feeds/feed/", {"action": "poll_now",
                                                        "_selected_action": [healthy.id, failing.id]})
    assert response.status_code == 302
    assert sorted(j.payload["feed_id"] for j in Job.objects.filter(task="comparer.poll_feed")) == sorted(
        [healthy.id, failing.id])


def test_reset_backoff_action(admin_client, feeds):
    _, failing = feeds
    admin_client.post("/admin/feeds/feed/", {"action": "reset_backoff", "_selected_action": [failing.id]})
    failing.refresh_from_db()
    assert failing.consecutive_failures == 0 and failing.next_poll_at is None and failing.is_due


def test_job_admin_lists_failed_jobs(admin_client, feeds):
    Job.objects.create(task="comparer.fetch_url", queue="fetch", status="failed", error="FetchError: HTTP 404")
    page = admin_client.get("/admin/feeds/job/?status=failed").content.decode()
    assert "comparer.fetch_url" in page and "FetchError: HTTP 404" in page
