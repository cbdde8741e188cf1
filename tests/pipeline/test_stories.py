"""Running stories: an event is bounded in time and size; later reports of the story become linked parts."""
from datetime import datetime, timedelta, timezone

import pytest

from comparer.models import Article, Event, Outlet
from comparer.pipeline import stories
from comparer.pipeline.claims import text_hash
from comparer.pipeline.run import analyze

DAY_ONE = datetime(2025, 7, 1, 6, 0, tzinfo=timezone.utc)
ATTACK = ("Russia launched a large drone and missile attack on Kyiv overnight, officials said. "
          "Air defences shot down most of the drones over the capital, the air force said. "
          "Several residential buildings were damaged and fires broke out in two districts. "
          "The city's mayor said emergency services were working at the scene.")
# Each outlet words it its own way: a word-for-word copy would follow its original as syndication.
WORDINGS = {
    "Outlet A": ATTACK,
    "Outlet B": ("Kyiv came under a heavy Russian drone and missile attack during the night, officials said. "
                 "Most of the drones were shot down over the capital, according to the air force. "
                 "Fires broke out in two districts and several apartment blocks were damaged."),
    "Outlet C": ("Russia attacked Kyiv with drones and missiles overnight, Ukrainian officials said. "
                 "The air force said air defences downed most of the drones over the city. "
                 "Residential buildings were damaged and emergency crews put out fires."),
    "Outlet D": ("Russian drones and missiles struck Kyiv overnight, city officials said. "
                 "Air defences destroyed most drones over the capital, the air force reported. "
                 "The mayor said rescuers were at the scene of fires in two districts."),
}


def report(outlet: str, when: datetime, title: str = "Drone attack on Kyiv") -> Article:
    text = WORDINGS[outlet]
    source = Outlet.objects.get_or_create(name=outlet, defaults={"slug": outlet.lower().replace(" ", "-")})[0]
    return Article.objects.create(outlet=source, title=title, text=text, published_at=when,
                                  content_hash=text_hash(outlet + when.isoformat() + text))


def event_of(article: Article) -> Event:
    article.refresh_from_db()
    return article.event


def test_an_event_accepts_by_span_size_and_same_happening():
    event = Event(first_seen=DAY_ONE, claim_count=10)
    within = Article(published_at=DAY_ONE + stories.EVENT_SPAN - timedelta(minutes=1))
    later = Article(published_at=DAY_ONE + stories.EVENT_SPAN + timedelta(hours=1))
    undated = Article(published_at=None)

    assert stories.accepts(event, within, similarity=0.73)
    assert not stories.accepts(event, later, similarity=0.73)
    assert not stories.accepts(event, later, similarity=None)      # a multilingual match has no English score
    assert stories.accepts(event, later, similarity=stories.SAME_HAPPENING)
    assert stories.accepts(event, undated, similarity=None)

    full = Event(first_seen=DAY_ONE, claim_count=stories.EVENT_MAX_CLAIMS)
    assert not stories.accepts(full, within, similarity=0.99)
    curated = Event(first_seen=DAY_ONE, claim_count=stories.EVENT_MAX_CLAIMS, locked=True)
    assert stories.accepts(curated, later, similarity=None)


@pytest.mark.django_db
def test_a_later_days_reports_become_a_linked_part_of_the_story(monkeypatch):
    monkeypatch.setattr(stories, "SAME_HAPPENING", 1.01)    # no later report counts as the same happening
    first = report("Outlet A", DAY_ONE)
    same_day = report("Outlet B", DAY_ONE + timedelta(hours=5))
    analyze([first, same_day])
    root = event_of(first)
    assert event_of(same_day) == root and root.story is None

    three_days_on = DAY_ONE + timedelta(days=3)
    later = report("Outlet C", three_days_on)
    later_again = report("Outlet D", three_days_on + timedelta(hours=2))
    analyze([later])
    analyze([later_again])

    part = event_of(later)
    assert part != root
    assert part.story == root
    assert event_of(later_again) == part          # the story's open part takes the day's next report
    assert [e.id for e in stories.parts(part)] == [root.id, part.id]
    assert [e.id for e in stories.parts(root)] == [root.id, part.id]


@pytest.mark.django_db
def test_a_later_report_of_the_same_happening_stays_in_its_event(monkeypatch):
    monkeypatch.setattr(stories, "SAME_HAPPENING", 0.0)     # every match counts as the same happening
    first = report("Outlet A", DAY_ONE)
    later = report("Outlet C", DAY_ONE + timedelta(days=3))
    analyze([first])
    analyze([later])
    assert event_of(later) == event_of(first)
    assert Event.objects.filter(story__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_full_event_continues_in_a_new_part(monkeypatch):
    first = report("Outlet A", DAY_ONE)
    analyze([first])
    root = event_of(first)
    monkeypatch.setattr(stories, "EVENT_MAX_CLAIMS", root.claim_count)   # the event is now full
    second = report("Outlet B", DAY_ONE + timedelta(hours=1))
    analyze([second])
    part = event_of(second)
    assert part != root and part.story == root
    root.refresh_from_db()
    assert root.claim_count == stories.EVENT_MAX_CLAIMS       # nothing more went into the full event


@pytest.mark.django_db
def test_a_full_rerun_keeps_the_story_and_recounts_its_parts(monkeypatch):
    monkeypatch.setattr(stories, "SAME_HAPPENING", 1.01)
    first, later = report("Outlet A", DAY_ONE), report("Outlet C", DAY_ONE + timedelta(days=3))
    analyze([first])
    analyze([later])
    assert event_of(later).story == event_of(first)

    root, part = event_of(first), event_of(later)
    analyze(full=True)
    assert event_of(first) == root and event_of(later) == part and part.story == root
    assert Event.objects.count() == 2
    root.refresh_from_db()
    assert root.claim_count == first.claims.count()      # sizes are counted again, not added to the old ones
