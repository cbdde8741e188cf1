"""What counts as news for each watch kind, recorded once; what was known at the start never is."""
import pytest

from comparer.models import ClaimRelation
from comparer.services import relation_set_label
from comparer.watches import selectors, services
from comparer.watches.models import Watch, WatchChange

pytestmark = pytest.mark.django_db


def news(user):
    return list(selectors.change_list(user=user).order_by("id"))


def test_an_event_watch_reports_new_contradictions_figures_and_outlets_once(watcher, story):
    watch, created = services.watch_create(user=watcher, kind="event", event=story.event)
    assert created
    # What was contested before the watch existed is recorded as known, never reported.
    assert WatchChange.objects.filter(watch=watch, known_at_start=True).count() == 3  # old contradiction + 2 outlets
    assert news(watcher) == []

    mismatch = story.figure_mismatch()
    story.builder.relate(story.no_show, story.k_bodies, "agree", "model", 0.9)  # agreements are no news
    outlet, claim = story.new_outlet()
    story.builder.relate(story.no_show, claim, "contradict", "model", 0.85)
    assert services.changes_record(watch=watch) == 3
    assert services.changes_record(watch=watch) == 0  # nothing twice

    kinds = {change.kind: change for change in news(watcher)}
    assert set(kinds) == {"figure_mismatch", "outlet_joined", "contradiction"}
    figure = kinds["figure_mismatch"]
    assert figure.relation_id == mismatch.id
    assert figure.snapshot["figures"] == ["6,000 bodies", "1,212 bodies"]
    assert {figure.snapshot["claim_a"]["outlet"], figure.snapshot["claim_b"]["outlet"]} == {"Outlet Moscow", "Outlet Kyiv"}
    assert kinds["outlet_joined"].snapshot["outlet"] == outlet.name


def test_a_figure_that_changes_on_a_known_pair_is_news_again(watcher, story):
    mismatch = story.figure_mismatch()
    watch, _ = services.watch_create(user=watcher, kind="event", event=story.event)
    assert news(watcher) == []
    mismatch.details = {**mismatch.details, "b": {"value": 900, "text": "900 bodies"}}
    mismatch.save()
    services.changes_record(watch=watch)
    [change] = news(watcher)
    assert change.kind == "figure_mismatch" and change.snapshot["figures"] == ["6,000 bodies", "900 bodies"]


def test_a_curators_relabel_to_contradict_is_news(watcher, story):
    agreement = story.builder.relate(story.m_bodies, story.k_bodies, "agree", "model", 0.7)
    watch, _ = services.watch_create(user=watcher, kind="event", event=story.event)
    relation_set_label(relation=agreement, label="contradict", by=watcher)
    services.changes_record(watch=watch)
    [change] = news(watcher)
    assert change.kind == "relabel" and change.relation_id == agreement.id
    # Confirming a contradiction that was already known is no news.
    from comparer.services import relation_confirm

    relation_confirm(relation=story.old, by=watcher)
    assert services.changes_record(watch=watch) == 0


def test_re_analysis_that_recreates_a_known_relation_is_no_news(watcher, story):
    watch, _ = services.watch_create(user=watcher, kind="event", event=story.event)
    pair = (story.old.claim_a_id, story.old.claim_b_id)
    story.old.delete()  # analyze --full deletes machine relations and writes them again
    ClaimRelation.objects.create(event=story.event, claim_a_id=pair[0], claim_b_id=pair[1], label="contradict",
                                 reason="antonym", score=0.9)
    assert services.changes_record(watch=watch) == 0


def test_an_outlet_pair_watch_follows_the_two_outlets_on_any_event(watcher, story):
    watch, _ = services.watch_create(user=watcher, kind="outlet_pair", outlet_a=story.kyiv, outlet_b=story.moscow)
    assert (watch.outlet_a_id, watch.outlet_b_id) == tuple(sorted([story.kyiv.id, story.moscow.id]))
    again, created = services.watch_create(user=watcher, kind="outlet_pair", outlet_a=story.moscow, outlet_b=story.kyiv)
    assert again == watch and not created
    other_story_outlet, claim = story.new_outlet()
    story.builder.relate(story.no_show, claim, "contradict", "model", 0.85)  # Moscow vs Warsaw: not this pair
    story.figure_mismatch()                                                # Moscow vs Kyiv: this pair
    services.changes_record(watch=watch)
    [change] = news(watcher)
    assert change.kind == "figure_mismatch"


def test_a_keyword_search_watch_follows_matching_claims_and_its_filters(watcher, story):
    watch, _ = services.watch_create(user=watcher, kind="search", query="bodies", search_mode="keyword")
    filtered, _ = services.watch_create(user=watcher, kind="search", query="bodies", search_mode="keyword",
                                        filter_outlet=story.kyiv, filter_country="Russia")
    unrelated, _ = services.watch_create(user=watcher, kind="search", query="postponed", search_mode="keyword")
    assert news(watcher) == []
    story.figure_mismatch()
    for each in (watch, filtered, unrelated):
        services.changes_record(watch=each)
    [change] = news(watcher)
    assert change.watch == watch and change.kind == "figure_mismatch"


def test_a_semantic_search_watch_stores_its_vector_and_follows_the_nearest_claims(watcher, story, monkeypatch):
    # The synthetic claims have random vectors: the watch's query vector is made equal to one of them.
    monkeypatch.setattr("comparer.pipeline.embed.encode", lambda texts: [story.k_bodies.embedding])
    watch, _ = services.watch_create(user=watcher, kind="search", query="how many bodies", search_mode="semantic",
                                     filter_event=story.event)
    assert watch.query_embedding is not None
    monkeypatch.setattr("comparer.pipeline.embed.encode", None)  # scanning never encodes
    story.figure_mismatch()
    services.changes_record(watch=watch)
    assert [change.kind for change in news(watcher)] == ["figure_mismatch"]


@pytest.mark.parametrize("target, message", [
    ({"kind": "event"}, "Pick the event"),
    ({"kind": "search", "query": "   "}, "Type the words"),
    ({"kind": "search", "query": "x", "search_mode": "fuzzy"}, "Search by"),
    ({"kind": "nothing"}, "Watch one of"),
])
def test_a_watch_that_cannot_be_made_says_what_to_change(watcher, target, message):
    with pytest.raises(services.WatchError, match=message):
        services.watch_create(user=watcher, **target)
    assert not Watch.objects.exists()


def test_the_same_outlet_twice_is_refused(watcher, story):
    with pytest.raises(services.WatchError, match="two different outlets"):
        services.watch_create(user=watcher, kind="outlet_pair", outlet_a=story.kyiv, outlet_b=story.kyiv)


def test_one_users_watches_and_news_are_not_anothers(watcher, other_researcher, story):
    services.watch_create(user=watcher, kind="event", event=story.event)
    story.figure_mismatch()
    services.changes_record_all()
    assert len(news(watcher)) == 1
    assert news(other_researcher) == [] and not selectors.watch_list(user=other_researcher).exists()
