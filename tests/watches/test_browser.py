"""In Chromium: click "Watch" on the POW-exchange event, then, once a contradicting relation appears,
find it on the watches page and in the Atom feed (fetched without the session, as a feed reader)."""
import feedparser
import pytest

from comparer.models import Claim, ClaimRelation, Event
from comparer.watches.models import Watch
from tests.browser.conftest import laptop, log_in, screenshot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _unrelated_pair(event):
    """Two claims of different outlets in the event that no relation joins yet."""
    claims = list(Claim.objects.filter(event=event, is_checkworthy=True).select_related("article").order_by("id"))
    related = set(ClaimRelation.objects.filter(event=event).values_list("claim_a_id", "claim_b_id"))
    for i, first in enumerate(claims):
        for second in claims[i + 1:]:
            if first.article.outlet_id != second.article.outlet_id and (first.id, second.id) not in related:
                return first, second
    raise AssertionError("no unrelated pair of claims in the exchange event")


def test_watch_the_exchange_event_and_find_the_new_contradiction_in_the_feed(
        live_server, demo_corpus, researcher, laptop, screenshot, browser):
    page = laptop
    base = live_server.url
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base)
    event = Event.objects.filter(articles__title__icontains="fails to show up").distinct().get()
    page.goto(f"{base}/events/{event.id}/")
    page.get_by_role("button", name="Watch this event").click()
    page.wait_for_url(f"{base}/events/{event.id}/")
    assert page.get_by_text("Watching this event").is_visible()
    assert Watch.objects.filter(user=researcher, event=event).exists()
    screenshot(page, "1-watching")

    # The pipeline's output, written directly: a new contradiction between two outlets' claims.
    first, second = _unrelated_pair(event)
    ClaimRelation.objects.create(event=event, claim_a=first, claim_b=second, label="contradict", reason="antonym",
                                 score=0.88, details={"words": ["did not show up", "postponed"]})

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Watches").click()
    page.wait_for_url(f"{base}/watches/")
    news = page.locator(".watch-changes li")
    assert news.count() == 1
    assert first.text[:40] in news.first.inner_text() and second.text[:40] in news.first.inner_text()
    feed_url = page.locator("a.feed-url").get_attribute("href")
    screenshot(page, "2-watches")

    # A feed reader has no session: a fresh browser context fetches the secret URL.
    reader = browser.new_context()
    try:
        response = reader.request.get(feed_url)
        assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.body())
    finally:
        reader.close()
    assert not feed.bozo and len(feed.entries) == 1
    [entry] = feed.entries
    assert entry.title == (f"New contradiction: {first.article.outlet.name} vs {second.article.outlet.name}")
    assert entry.link == f"{base}/events/{event.id}/?only=disagreements#claim-{first.id}"

    # The entry's link opens the comparison row (after logging in, as here).
    page.goto(entry.link)
    assert page.locator(f"#claim-{first.id}").is_visible()
    screenshot(page, "3-row")
    assert dialogs == []
