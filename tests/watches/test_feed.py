"""The Atom feed at a secret URL: standard Atom, one entry per change, escaped text, revocable."""
import feedparser
import pytest
from django.urls import reverse
from lxml import etree

from comparer.watches import services

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(user):
    return reverse("watches:feed", args=[services.watch_settings_of(user=user).feed_token])


def test_the_feed_is_valid_atom_with_one_entry_per_change(client, watcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    mismatch = story.figure_mismatch()
    story.new_outlet()
    response = client.get(feed_url(watcher))  # no login: feed readers cannot log in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")

    root = etree.fromstring(response.content)  # well-formed XML
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required

    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    titles = {entry.title: entry for entry in parsed.entries}
    figure = titles["Figures differ: Outlet Moscow vs Outlet Kyiv"]
    assert figure.link.endswith(f"/events/{story.event.id}/?only=disagreements#claim-{mismatch.claim_a_id}")
    assert figure.link.startswith("http://testserver/")
    assert "6,000 bodies" in figure.summary and "1,212 bodies" in figure.summary
    assert story.m_bodies.text in figure.summary and story.k_bodies.text in figure.summary
    assert "numeric mismatch" in figure.summary
    assert figure.id.startswith("tag:comparer,")
    joined = titles["Outlet Warsaw <b>&</b> now reports on “Prisoner exchange fails”"]
    # Article and outlet text is escaped: a reader shows the markup as text.
    assert "<b>" not in joined.summary and "&lt;b&gt;" in joined.summary


def test_an_entry_stays_the_same_when_the_feed_is_read_again(client, watcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    story.figure_mismatch()
    first = feedparser.parse(client.get(feed_url(watcher)).content)
    second = feedparser.parse(client.get(feed_url(watcher)).content)
    assert [e.id for e in first.entries] == [e.id for e in second.entries] and len(first.entries) == 1


def test_a_renewed_feed_url_revokes_the_old_one(client, watcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    old = feed_url(watcher)
    assert client.get(old).status_code == 200
    client.force_login(watcher)
    response = client.post(reverse("watches:feed_renew"))
    assert response.status_code == 302
    new = feed_url(watcher)
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_guessed_or_inactive_users_feed_is_not_found(client, watcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    assert client.get(reverse("watches:feed", args=["not-a-token"])).status_code == 404
    url = feed_url(watcher)
    watcher.is_active = False
    watcher.save()
    assert client.get(url).status_code == 404


def test_a_feed_shows_only_its_owners_news(client, watcher, other_researcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    services.watch_settings_of(user=other_researcher)
    story.figure_mismatch()
    assert len(feedparser.parse(client.get(feed_url(watcher)).content).entries) == 1
    assert len(feedparser.parse(client.get(feed_url(other_researcher)).content).entries) == 0
