from datetime import timedelta

import pytest
from django.core.management import call_command

from comparer.feeds.fetch import FetchError
from comparer.feeds.models import Feed, Job
from comparer.feeds.services import feed_add, feed_poll
from comparer.models import Article
from tests.feeds.loopback import article_page, rss

pytestmark = pytest.mark.django_db

BRIDGE = [
    "The regional council said on Sunday that the river bridge at Northgate would stay closed for three weeks.",
    "Engineers found 14 cracked support beams during an inspection on Saturday, according to the council.",
    "Local traders told reporters that the closure would cost them more than 20,000 euros in lost sales.",
    "A temporary ferry service will run every thirty minutes between the two banks until the repairs are done.",
]
FLOOD = [
    "Emergency services evacuated 300 residents from the lower town after the river rose overnight.",
    "The mayor said that no one had been injured and that the water was expected to fall by Tuesday.",
    "Volunteers filled sandbags outside the town hall throughout the night, the fire brigade reported.",
]


def two_story_feed(site, etag=""):
    bridge = site.put("/news/bridge", article_page("Northgate bridge closed for three weeks", BRIDGE))
    flood = site.put("/news/flood", article_page("Residents evacuated as river rises", FLOOD))
    return site.put("/feed.xml", rss([
        {"title": "Northgate bridge closed for three weeks", "link": bridge,
         "date": "Sun, 08 Jun 2025 09:00:00 GMT"},
        {"title": "Residents evacuated as river rises", "link": flood, "date": "Sun, 08 Jun 2025 11:30:00 GMT"},
    ]), content_type="application/rss+xml", etag=etag, last_modified="Sun, 08 Jun 2025 12:00:00 GMT")


def test_poll_ingests_full_text_of_new_entries_and_enqueues_analysis(site, fast_fetching):
    feed = feed_add(url=two_story_feed(site), outlet_name="Loopback Gazette")

    report = feed_poll(feed=feed)

    assert report.outcome == "fetched" and report.entries == 2 and len(report.created) == 2, report
    bridge = Article.objects.get(url=site.url("/news/bridge"))
    assert "14 cracked support beams" in bridge.text        # only on the page, not in the feed
    assert "Home | World" not in bridge.text                 # trafilatura dropped the page chrome
    assert bridge.outlet.name == "Loopback Gazette"
    assert bridge.published_at.isoformat() == "2025-06-08T09:00:00+00:00"
    job = Job.objects.get()
    assert job.task == "comparer.analyse_articles" and job.queue == "analysis"
    assert sorted(job.payload["article_ids"]) == sorted(report.created)
    feed.refresh_from_db()
    assert feed.health == Feed.Health.OK and feed.articles_created == 2 and feed.title == "Loopback Gazette"


def test_second_poll_is_conditional_and_not_modified(site, fast_fetching):
    feed = feed_add(url=two_story_feed(site, etag='"v1"'))
    feed_poll(feed=feed)
    feed.refresh_from_db()
    assert feed.etag == '"v1"' and feed.modified == "Sun, 08 Jun 2025 12:00:00 GMT"

    report = feed_poll(feed=feed)

    assert report.outcome == "not_modified"
    second = site.hits_on("/feed.xml")[-1]
    assert second.headers["If-None-Match"] == '"v1"'
    assert second.headers["If-Modified-Since"] == "Sun, 08 Jun 2025 12:00:00 GMT"
    assert len(site.hits_on("/news/bridge")) == 1           # pages are not fetched again
    assert Article.objects.count() == 2


def test_known_entries_are_not_fetched_again_when_the_feed_changes(site, fast_fetching):
    feed = feed_add(url=two_story_feed(site))
    feed_poll(feed=feed)

    report = feed_poll(feed=feed)

    assert report.outcome == "fetched" and report.existing == 2 and report.created == []
    assert len(site.hits_on("/news/flood")) == 1


def test_failing_feed_backs_off_exponentially_then_recovers(site, fast_fetching):
    site.put("/feed.xml", "down for maintenance", status=503)
    feed = feed_add(url=site.url("/feed.xml"), poll_interval=600)
    waits = []
    for _ in range(3):
        report = feed_poll(feed=feed)
        assert report.outcome == "failed"
        feed.refresh_from_db()
        waits.append(feed.next_poll_at - feed.last_polled_at)
    assert waits == [timedelta(seconds=600), timedelta(seconds=1200), timedelta(seconds=2400)]
    assert feed.health == Feed.Health.FAILING and feed.consecutive_failures == 3
    assert "HTTP 503" in feed.last_error and feed.last_status == 503

    two_story_feed(site)
    assert feed_poll(feed=feed).outcome == "fetched"
    feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.health == Feed.Health.OK and feed.last_error == ""


def test_back_off_is_capped(site, fast_fetching):
    fast_fetching.COMPARER_FEEDS = {**fast_fetching.COMPARER_FEEDS, "MAX_BACKOFF": 3600}
    feed = feed_add(url=site.url("/missing.xml"), poll_interval=600)
    Feed.objects.filter(id=feed.id).update(consecutive_failures=9)
    feed.refresh_from_db()
    feed_poll(feed=feed)
    feed.refresh_from_db()
    assert feed.next_poll_at - feed.last_polled_at == timedelta(seconds=3600)
    assert "HTTP 404" in feed.last_error


def test_a_page_that_is_not_a_feed_is_a_clear_failure(site, fast_fetching):
    feed = feed_add(url=site.put("/not-a-feed", "<html><body><p>Hello</p></body></html>"))

    report = feed_poll(feed=feed)

    assert report.outcome == "failed"
    assert "not a readable RSS/Atom feed" in report.errors[0]
    assert Article.objects.count() == 0


def test_transient_entry_failure_is_retried_on_the_next_poll(site, fast_fetching):
    feed_url = two_story_feed(site, etag='"v1"')
    site.put("/news/flood", "busy", status=502)
    feed = feed_add(url=feed_url)

    first = feed_poll(feed=feed)

    assert len(first.created) == 1 and "HTTP 502" in first.errors[0]
    feed.refresh_from_db()
    assert feed.etag == ""   # validators not stored, so the next poll re-reads the feed in full
    site.put("/news/flood", article_page("Residents evacuated as river rises", FLOOD))
    second = feed_poll(feed=feed)
    assert second.outcome == "fetched" and len(second.created) == 1 and second.existing == 1
    assert Article.objects.filter(url=site.url("/news/flood")).exists()


def test_entry_without_extractable_page_uses_the_feed_copy(site, fast_fetching):
    page = site.put("/news/empty", "<html><body><div>Loading…</div></body></html>")
    content = "<p>" + " ".join(BRIDGE) + "</p>"
    feed = feed_add(url=site.put("/feed.xml", rss([{"title": "Bridge closed", "link": page, "content": content}]),
                                 content_type="application/rss+xml"), outlet_name="Loopback Gazette")

    report = feed_poll(feed=feed)

    assert len(report.created) == 1, report
    article = Article.objects.get()
    assert "14 cracked support beams" in article.text and "<p>" not in article.text
    assert article.url == page and article.outlet.name == "Loopback Gazette"


def test_requests_to_one_domain_are_spaced(site, fast_fetching):
    fast_fetching.COMPARER_FEEDS = {**fast_fetching.COMPARER_FEEDS, "DOMAIN_INTERVAL": 0.3}
    feed = feed_add(url=two_story_feed(site))

    feed_poll(feed=feed)

    times = [hit.at for hit in site.hits]
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 0.28, gaps


def test_add_feed_refuses_non_http_urls(fast_fetching):
    with pytest.raises(FetchError, match="only http:// and https://"):
        feed_add(url="file:///etc/passwd")
    with pytest.raises(ValueError, match="too short"):
        feed_add(url="http://127.0.0.1:9/feed", poll_interval=5)


def test_poll_feeds_command_polls_due_feeds_only(site, fast_fetching, capsys):
    due = feed_add(url=two_story_feed(site))
    later = feed_add(url=site.url("/other.xml"))
    Feed.objects.filter(id=later.id).update(next_poll_at=due.created_at + timedelta(days=1))

    call_command("poll_feeds")

    out = capsys.readouterr().out
    assert f"feed {due.id}: 2 entries, 2 new articles" in out
    assert f"feed {later.id}" not in out and site.hits_on("/other.xml") == []


def test_hosts_on_private_addresses_are_refused_by_default(site, fast_fetching):
    fast_fetching.COMPARER_FEEDS = {**fast_fetching.COMPARER_FEEDS, "ALLOW_PRIVATE_HOSTS": False}
    feed = feed_add(url=two_story_feed(site))

    report = feed_poll(feed=feed)

    assert report.outcome == "failed"
    assert "resolves to non-public address 127.0.0.1" in report.errors[0]
    assert site.hits == []
