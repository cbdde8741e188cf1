import pytest

from comparer.models import Article, Claim, ClaimRelation, Event
from comparer.pipeline.run import analyze


@pytest.mark.django_db
def test_demo_corpus_flows_into_cross_outlet_events(demo_corpus):
    assert Article.objects.filter(analysis_status="done").count() == Article.objects.count()
    assert Claim.objects.filter(embedding__isnull=True).count() == 0
    exchange = Event.objects.filter(articles__title__icontains="prisoner").distinct()
    assert exchange.count() == 1
    event = exchange.get()
    assert event.outlet_count >= 3
    assert ClaimRelation.objects.filter(event=event, label="contradict").exists()


@pytest.mark.django_db
def test_analysis_is_incremental(demo_corpus):
    relations = ClaimRelation.objects.count()
    report = analyze()
    assert report.articles == 0 and report.claims == 0
    assert ClaimRelation.objects.count() == relations


@pytest.mark.django_db
def test_syndicated_copy_is_linked_not_counted(demo_corpus):
    copy = Article.objects.get(outlet__name__startswith="Sample Outlet E")
    assert copy.syndicated_copy_of is not None
    assert copy.event_id == copy.syndicated_copy_of.event_id
    pairs = ClaimRelation.objects.filter(claim_a__article=copy, claim_b__article=copy.syndicated_copy_of)
    assert not pairs.exists()


@pytest.mark.django_db
def test_full_rerun_finds_syndicated_copies_again_inside_a_pinned_event(demo_corpus):
    copy = Article.objects.get(outlet__name__startswith="Sample Outlet E")
    original_id, event_id = copy.syndicated_copy_of_id, copy.event_id
    Article.objects.filter(id=copy.id).update(event_locked=True)
    analyze(full=True)
    copy.refresh_from_db()
    assert copy.event_id == event_id
    assert copy.syndicated_copy_of_id == original_id
