"""Running stories: an event is bounded in time and size; a continuing story is a chain of parts.

A war, an election or a disaster is reported every day for weeks. Joined by similarity alone,
every new report lands in one ever-growing event: its comparison becomes unreadable and every
stage that works per event (claim clustering, relations) grows with the story. So:

- An event takes an article while its reports, with that one, span at most ``EVENT_SPAN``. Beyond
  that it takes only an article that reports the same happening: one at least ``SAME_HAPPENING``
  similar to it.
- An event holds at most ``EVENT_MAX_CLAIMS`` claims (the unit whose claims are clustered and
  related together; clustering is O(n * k) but relations and the page are read per event).
- An article that matches an event it may no longer join goes to the story's open part (the
  latest part still in its span and under the size limit), or opens a new part of that story.

Every part points at the story's first event (``Event.story``); the first event points nowhere.
The event page lists the parts, the events list filters by story.

Thresholds, measured on ECB+ (../shared/data/ecbplus: each topic holds two real happenings of one
kind, e.g. two earthquakes). Article vectors as ``cluster.article_vector`` builds them, cosine to
the leave-one-out centroid of the article's own happening against the other happening of its
topic, 772 documents:

    bar     same happening joins   other happening of the same kind joins
    0.72    0.937                  0.376     (EVENT_SIMILARITY, the bar within the span)
    0.80    0.839                  0.202
    0.85    0.658                  0.115

0.80 halves the share of same-kind reports that would be taken for the same happening while
keeping 84% of true follow-ups in their event; the other 16% go to the next part of the story,
linked, not lost.
"""
from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from comparer.models import Article, Event

EVENT_SPAN = timedelta(hours=36)
SAME_HAPPENING = 0.80
EVENT_MAX_CLAIMS = 2000


def story_root(event: Event) -> Event:
    return event.story if event.story_id else event


def accepts(event: Event, article: Article, similarity: float | None) -> bool:
    """Whether ``event`` may take ``article`` (that matched it at ``similarity``), by time and size."""
    if event.locked:
        return True   # a curator's event is never split by the machine
    if event.claim_count >= EVENT_MAX_CLAIMS:
        return False
    if article.published_at is None or event.first_seen is None:
        return True
    # The event with this article must still fit in one span, whichever order reports arrive in.
    last_seen = event.last_seen or event.first_seen
    if max(last_seen, article.published_at) - min(event.first_seen, article.published_at) <= EVENT_SPAN:
        return True
    return similarity is not None and similarity >= SAME_HAPPENING


def open_part(root: Event, article: Article) -> Event | None:
    """The story's latest part that may still take ``article`` by time and size."""
    parts = Event.objects.filter(Q(id=root.id) | Q(story_id=root.id), claim_count__lt=EVENT_MAX_CLAIMS)
    if article.published_at is not None:
        parts = parts.filter(Q(first_seen__isnull=True) | Q(first_seen__gte=article.published_at - EVENT_SPAN,
                                                           first_seen__lte=article.published_at + EVENT_SPAN))
    nearby = parts.defer("centroid", "xcentroid").order_by("-first_seen", "-id")[:5]
    return next((part for part in nearby if accepts(part, article, None)), None)


def place(article: Article, matched: Event, similarity: float | None) -> tuple[Event | None, Event | None]:
    """Where an article that matched ``matched`` goes: ``(event, None)`` to join an event, or
    ``(None, root)`` to open a new part of the story whose first event is ``root``."""
    if accepts(matched, article, similarity):
        return matched, None
    root = story_root(matched)
    part = open_part(root, article)
    if part is not None and part.id != matched.id:
        return part, None
    return None, root


def parts(event: Event) -> list[Event]:
    """Every part of the event's story in order of first report (the event alone if it has none)."""
    root = story_root(event)
    return list(Event.objects.filter(Q(id=root.id) | Q(story_id=root.id)).defer("centroid", "xcentroid")
                .order_by("first_seen", "id"))
