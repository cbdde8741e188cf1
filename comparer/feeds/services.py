"""Feed and URL ingestion: write operations, called by tasks, commands and the admin.

``feed_poll`` fetches a feed with conditional GET, fetches each new entry's page (politely,
per domain) and extracts its full text with trafilatura, ingests it through
``comparer.pipeline.ingest`` and enqueues analysis of what was created. A failing feed backs
off exponentially; a failing entry is reported and retried on the next poll.
"""
from __future__ import annotations

import calendar
import html
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from comparer import jobs
from comparer.feeds.fetch import FetchError, domain_of, fetch
from comparer.feeds.models import Feed
from comparer.models import Article
from comparer.pipeline.ingest import ArticleInput, IngestError, article_from_mapping, ingest_article, parse_html

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass
class PollReport:
    feed_id: int
    outcome: str                      # fetched | not_modified | failed
    entries: int = 0
    created: list[int] = field(default_factory=list)
    existing: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.outcome == "failed":
            return f"feed {self.feed_id}: failed: {self.errors[0] if self.errors else 'unknown error'}"
        if self.outcome == "not_modified":
            return f"feed {self.feed_id}: not modified"
        return (f"feed {self.feed_id}: {self.entries} entries, {len(self.created)} new articles, "
                f"{self.existing} already known, {len(self.errors)} errors")


def feed_add(*, url: str, outlet_name: str = "", poll_interval: int = 900, title: str = "") -> Feed:
    """Register a feed (idempotent by URL); it is due for its first poll at once."""
    domain_of(url)  # raises FetchError with a clear message for non-HTTP URLs
    if poll_interval < 60:
        raise ValueError(f"poll interval {poll_interval}s is too short; use at least 60 seconds")
    feed, created = Feed.objects.get_or_create(
        url=url, defaults={"outlet_name": outlet_name, "poll_interval": poll_interval, "title": title})
    if not created and (outlet_name or title):
        feed.outlet_name = outlet_name or feed.outlet_name
        feed.title = title or feed.title
        feed.save(update_fields=["outlet_name", "title"])
    return feed


def backoff_delay(feed: Feed) -> timedelta:
    """How long a feed with ``consecutive_failures`` failures waits before the next try."""
    seconds = feed.poll_interval * 2 ** max(0, feed.consecutive_failures - 1)
    return timedelta(seconds=min(seconds, settings.COMPARER_FEEDS["MAX_BACKOFF"]))


def _record_failure(feed: Feed, message: str, status: int | None) -> None:
    now = timezone.now()
    feed.consecutive_failures += 1
    feed.last_polled_at, feed.last_status, feed.last_error = now, status, message[:2000]
    feed.next_poll_at = now + backoff_delay(feed)
    feed.save(update_fields=["consecutive_failures", "last_polled_at", "last_status", "last_error", "next_poll_at"])


def _entry_published(entry) -> datetime | None:
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if not moment:
        return None
    return datetime.fromtimestamp(calendar.timegm(moment), tz=dt_timezone.utc)


def _entry_content(entry) -> str:
    """Full text carried by the feed itself (content:encoded or a long summary), as plain text."""
    bodies = [part.get("value", "") for part in entry.get("content") or []] + [entry.get("summary", "")]
    best = max(bodies, key=len, default="")
    return html.unescape(strip_tags(best)).strip()


def article_from_url(url: str, *, outlet_name: str = "", title: str = "",
                     published_at: datetime | None = None, fallback_text: str = "",
                     source_name: str = "") -> ArticleInput:
    """Fetch a page and extract its article with trafilatura.

    If the page yields no article body but ``fallback_text`` (the feed's own copy) is long
    enough, that text is used instead. Raises ``FetchError`` or ``IngestError``.
    """
    page = fetch(url, accept=PAGE_ACCEPT)
    meta = {"url": url, "title": title or None,
            "published_at": published_at.isoformat() if published_at else None}
    try:
        item = parse_html(page.text(), url, meta, outlet_name or None)[0]
    except IngestError:
        if not fallback_text:
            raise
        item = article_from_mapping({"title": title or fallback_text[:200], "text": fallback_text, "url": url,
                                     "published_at": meta["published_at"]},
                                    url, None, default_outlet={"name": outlet_name or domain_of(url),
                                                               "domain": domain_of(url)}, fmt="html")
    item.url = url
    if source_name:
        item.source_name = source_name
    return item


def url_ingest(*, url: str, outlet_name: str = "") -> tuple[Article, bool]:
    """Fetch one page, ingest it and enqueue its analysis. Returns (article, created)."""
    existing = Article.objects.filter(url=url).first()
    if existing is not None:
        return existing, False
    item = article_from_url(url, outlet_name=outlet_name)
    with transaction.atomic():
        article, created = ingest_article(item)
        if created:
            jobs.enqueue_analysis([article.id])
    return article, created


def feed_poll(*, feed: Feed) -> PollReport:
    """Poll one feed now (whether due or not) and ingest its new entries."""
    report = PollReport(feed_id=feed.id, outcome="fetched")
    try:
        response = fetch(feed.url, etag=feed.etag, modified=feed.modified, accept=FEED_ACCEPT)
    except FetchError as error:
        _record_failure(feed, str(error), error.status)
        report.outcome = "failed"
        report.errors.append(str(error))
        return report
    now = timezone.now()
    if response.not_modified:
        feed.last_polled_at = feed.last_success_at = now
        feed.last_status, feed.consecutive_failures, feed.last_error = 304, 0, ""
        feed.next_poll_at = now + timedelta(seconds=feed.poll_interval)
        feed.save()
        report.outcome = "not_modified"
        return report

    import feedparser

    parsed = feedparser.parse(response.body, response_headers={"content-type": response.content_type})
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no RSS or Atom entries"
        _record_failure(feed, f"{feed.url}: not a readable RSS/Atom feed ({reason})", response.status)
        report.outcome = "failed"
        report.errors.append(feed.last_error)
        return report

    entries = parsed.entries[:settings.COMPARER_FEEDS["MAX_ENTRIES"]]
    report.entries = len(entries)
    retry_later = False
    for entry in entries:
        link = entry.get("link")
        if not link:
            report.errors.append(f"{feed.url}: entry {entry.get('title', '')[:80]!r} has no link; skipped")
            continue
        if Article.objects.filter(url=link).exists():
            report.existing += 1
            continue
        try:
            item = article_from_url(link, outlet_name=feed.outlet_name, title=html.unescape(entry.get("title", "")),
                                    published_at=_entry_published(entry), fallback_text=_entry_content(entry),
                                    source_name=feed.url)
            with transaction.atomic():
                article, created = ingest_article(item)
        except FetchError as error:
            retry_later = retry_later or error.transient
            report.errors.append(str(error))
            continue
        except IngestError as error:
            report.errors.append(str(error))
            continue
        if created:
            report.created.append(article.id)
        else:
            report.existing += 1

    with transaction.atomic():
        # A transient entry failure keeps the old validators, so the next poll re-reads the whole
        # feed and retries that entry; entries already stored are skipped by URL.
        if not retry_later:
            feed.etag, feed.modified = response.etag[:500], response.modified[:100]
        feed.title = feed.title or (parsed.feed.get("title", "") or "")[:500]
        feed.last_polled_at = feed.last_success_at = now
        feed.last_status, feed.consecutive_failures = response.status, 0
        feed.last_error = "\n".join(report.errors[:10])[:2000]
        feed.next_poll_at = now + timedelta(seconds=feed.poll_interval)
        feed.entries_seen += report.entries
        feed.articles_created += len(report.created)
        feed.save()
        jobs.enqueue_analysis(report.created)
    return report


def feeds_due(now: datetime | None = None):
    from django.db.models import Q

    now = now or timezone.now()
    return Feed.objects.filter(active=True).filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))


def feed_set_active(*, feeds, active: bool) -> int:
    return Feed.objects.filter(id__in=[f.id for f in feeds]).update(active=active)


def feed_reset_backoff(*, feeds) -> int:
    """Forget failures so the feeds are polled on the next round."""
    return Feed.objects.filter(id__in=[f.id for f in feeds]).update(consecutive_failures=0, next_poll_at=None)
