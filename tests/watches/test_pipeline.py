"""End to end through the real pipeline: watches made on the analysed demo corpus hear about the
articles ingested and analysed afterwards (analysis records the news itself when it finishes)."""
import feedparser
import pytest
from django.core import mail
from django.urls import reverse

from comparer.models import Event, Outlet
from comparer.pipeline.ingest import ingest_paths
from comparer.pipeline.run import analyze
from comparer.watches import services
from comparer.watches.models import WatchChange
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

# Held back, then ingested after the watches exist: a Beirut outlet's account of the exchange (a new
# outlet on that event), and Kyiv's General Staff denial with its own loss figures ("fewer than 600"
# against 3,435 killed).
LATER = ["04_exchange-dispute-syndicated-beirut.json", "06_general-staff-denies-kyiv.json"]


def test_articles_analysed_after_a_watch_reach_its_feed_and_digest_once(client, watcher):
    first = [FIXTURES / "000_ad8522ef294dd132.txt",
             *(path for path in sorted((FIXTURES / "demo").glob("*.json")) if path.name not in LATER)]
    assert not ingest_paths(first).errors
    analyze()
    exchange = Event.objects.filter(articles__title__icontains="fails to show up").distinct().get()
    berlin = Outlet.objects.get(name="Sample Outlet D (Berlin)")  # "Moscow said ... more than 3,435 troops"
    kyiv = Outlet.objects.get(name="Sample Outlet A (Kyiv)")
    # Every other event too: the General Staff's denial may join the strikes or the Dnipropetrovsk story.
    others = [services.watch_create(user=watcher, kind="event", event=event)[0]
              for event in Event.objects.exclude(id=exchange.id)]
    watches = {
        "exchange": services.watch_create(user=watcher, kind="event", event=exchange)[0],
        "pair": services.watch_create(user=watcher, kind="outlet_pair", outlet_a=kyiv, outlet_b=berlin)[0],
        "search": services.watch_create(user=watcher, kind="search", query="killed", search_mode="keyword")[0],
    }
    assert not WatchChange.objects.filter(known_at_start=False).exists()

    assert not ingest_paths([FIXTURES / "demo" / name for name in LATER]).errors
    analyze()  # records the news when it finishes: nothing below scans by hand before the first read

    def news(watch):
        return list(WatchChange.objects.filter(watch=watch, known_at_start=False))

    joined = [c.snapshot["outlet"] for c in news(watches["exchange"]) if c.kind == "outlet_joined"]
    assert joined == ["Sample Outlet E (Beirut)"]
    figures = [c for watch in others for c in news(watch) if c.kind == "figure_mismatch"]
    assert figures
    assert any("3,435" in " ".join(c.snapshot["figures"]) for c in figures)
    pair_news = news(watches["pair"])
    assert pair_news and all({c.snapshot["claim_a"]["outlet"], c.snapshot["claim_b"]["outlet"]}
                             == {kyiv.name, berlin.name} for c in pair_news)
    search_news = news(watches["search"])
    assert search_news and all("killed" in (c.snapshot["claim_a"]["text"] + c.snapshot["claim_b"]["text"]).lower()
                               for c in search_news)
    recorded = WatchChange.objects.filter(known_at_start=False).count()

    token = services.watch_settings_of(user=watcher).feed_token
    feed = feedparser.parse(client.get(reverse("watches:feed", args=[token])).content)
    assert not feed.bozo and len(feed.entries) == recorded
    assert any(entry.title == "Sample Outlet E (Beirut) now reports on “%s”" % exchange.title for entry in feed.entries)

    assert services.digests_send_due().changes == recorded
    assert services.digest_send(user=watcher, force=True) == 0  # exactly once
    assert len(mail.outbox) == 1 and "Sample Outlet E (Beirut) now reports on this event." in mail.outbox[0].body

    analyze()  # nothing pending: nothing new
    assert WatchChange.objects.filter(known_at_start=False).count() == recorded
