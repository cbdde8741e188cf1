"""Each curation service: what it changes, the lock it sets, what it records, and its refusals."""
import pytest

from comparer import services
from comparer.curation.models import CurationChange, CurationDecision
from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event, Outlet

pytestmark = pytest.mark.django_db


def changes_of(decision, model, field=""):
    return CurationChange.objects.filter(decision=decision, content_type__model=model._meta.model_name,
                                         **({"field": field} if field else {}))


def test_event_merge_moves_everything_locks_and_records(demo_events, curator):
    strikes, dnipro = demo_events["strikes"], demo_events["dnipro"]
    article_ids = set(Article.objects.filter(event__in=[strikes, dnipro]).values_list("id", flat=True))
    dnipro_articles = set(dnipro.articles.values_list("id", flat=True))
    claim_count = Claim.objects.filter(event__in=[strikes, dnipro]).count()

    merged = services.event_merge(events=[dnipro, strikes], by=curator, title="Strikes and the Dnipropetrovsk push")

    assert merged.id == strikes.id, "the earliest event survives unless told otherwise"
    assert not Event.objects.filter(id=dnipro.id).exists()
    assert merged.locked and merged.title == "Strikes and the Dnipropetrovsk push"
    assert set(merged.articles.values_list("id", flat=True)) == article_ids
    assert not merged.articles.filter(event_locked=False).exists()
    assert Claim.objects.filter(event=merged).count() == claim_count
    assert not ClaimCluster.objects.filter(event_id=dnipro.id).exists()
    # Claims of the two former events are now judged against each other: 3,435 vs "fewer than 600".
    assert ClaimRelation.objects.filter(event=merged, reason="numeric_mismatch").exists()
    assert merged.outlet_count == 4 and merged.claim_count == claim_count
    decision = CurationDecision.objects.get(action="event_merge")
    assert decision.user == curator
    moved = changes_of(decision, Article, "event_id").filter(before=dnipro.id, after=strikes.id)
    assert set(moved.values_list("object_id", flat=True)) == dnipro_articles
    assert changes_of(decision, Event).filter(operation="delete", object_id=dnipro.id).exists()


def test_event_merge_keeps_the_chosen_event(demo_events, curator):
    strikes, dnipro = demo_events["strikes"], demo_events["dnipro"]
    merged = services.event_merge(events=[strikes, dnipro], into=dnipro, by=curator)
    assert merged.id == dnipro.id and merged.title == dnipro.title
    assert not Event.objects.filter(id=strikes.id).exists()


def test_event_merge_refuses_a_single_event(demo_events, curator):
    with pytest.raises(services.CurationError, match="at least two"):
        services.event_merge(events=[demo_events["strikes"]], by=curator)
    assert not CurationDecision.objects.exists()


def test_event_split_by_articles_locks_both_sides(demo_events, curator):
    exchange = demo_events["exchange"]
    kyiv = exchange.articles.get(outlet__name__startswith="Sample Outlet A")
    new_event = services.event_split(event=exchange, articles=[kyiv], title="Kyiv's account", by=curator)

    kyiv.refresh_from_db()
    assert kyiv.event_id == new_event.id and kyiv.event_locked
    assert new_event.locked and new_event.title == "Kyiv's account"
    assert set(Claim.objects.filter(article=kyiv).values_list("event_id", flat=True)) == {new_event.id}
    assert not Claim.objects.filter(article=kyiv).exclude(cluster__event=new_event).exists(), \
        "claims of the moved article end up in clusters of the new event"
    assert not exchange.articles.filter(event_locked=False).exists()
    assert not ClaimRelation.objects.filter(event=exchange, claim_a__article=kyiv).exists()
    exchange.refresh_from_db()
    # The seed, Sample Outlets B, C and E, and the Russian- and Ukrainian-language samples R and U.
    assert exchange.locked and exchange.outlet_count == 6


def test_event_split_by_cluster_takes_the_articles_behind_it(demo_events, curator):
    dnipro = demo_events["dnipro"]
    denial = Claim.objects.get(event=dnipro, text__contains="rejected Moscow's claim that 3,435").cluster
    articles = set(denial.claims.values_list("article_id", flat=True))
    new_event = services.event_split(event=dnipro, clusters=[denial], by=curator)
    denial.refresh_from_db()
    assert denial.event_id == new_event.id
    assert set(new_event.articles.values_list("id", flat=True)) == articles


def test_event_split_refuses_emptying_the_event_or_foreign_articles(demo_events, curator):
    strikes, exchange = demo_events["strikes"], demo_events["exchange"]
    with pytest.raises(services.CurationError, match="leave the event empty"):
        services.event_split(event=strikes, articles=list(strikes.articles.all()), by=curator)
    with pytest.raises(services.CurationError, match="not in event"):
        services.event_split(event=strikes, articles=[exchange.articles.first()], by=curator)
    with pytest.raises(services.CurationError, match="Choose the articles"):
        services.event_split(event=strikes, by=curator)
    assert Event.objects.count() == 3 and not CurationDecision.objects.exists()


def test_event_rename_and_review_lock(demo_events, curator):
    exchange = demo_events["exchange"]
    services.event_rename(event=exchange, title="Exchange of 7 June: no-show or postponed?", by=curator)
    services.event_mark_reviewed(event=exchange, by=curator)
    exchange.refresh_from_db()
    assert exchange.title == "Exchange of 7 June: no-show or postponed?" and exchange.locked and exchange.reviewed
    assert not exchange.articles.filter(event_locked=False).exists()
    with pytest.raises(services.CurationError, match="non-empty title"):
        services.event_rename(event=exchange, title="  ", by=curator)


def test_cluster_merge_locks_every_claim_into_the_target(demo_events, curator):
    first, second = ClaimCluster.objects.filter(event=demo_events["exchange"]).order_by("position")[:2]
    claim_ids = set(Claim.objects.filter(cluster__in=[first, second]).values_list("id", flat=True))
    target = services.cluster_merge(clusters=[second, first], by=curator)
    assert target.id == first.id and target.locked
    assert set(target.claims.values_list("id", flat=True)) == claim_ids
    assert not target.claims.filter(cluster_locked=False).exists()
    assert not ClaimCluster.objects.filter(id=second.id).exists()


def test_cluster_merge_refuses_clusters_of_different_events(demo_events, curator):
    a = ClaimCluster.objects.filter(event=demo_events["exchange"]).first()
    b = ClaimCluster.objects.filter(event=demo_events["strikes"]).first()
    with pytest.raises(services.CurationError, match="different events"):
        services.cluster_merge(clusters=[a, b], by=curator)


def test_cluster_split_and_claim_move(demo_events, curator):
    cluster = (ClaimCluster.objects.filter(event=demo_events["exchange"]).order_by("position").first())
    claims = list(cluster.claims.order_by("id"))
    assert len(claims) >= 3
    new_cluster = services.cluster_split(cluster=cluster, claims=claims[:1], by=curator)
    assert new_cluster.event_id == cluster.event_id and new_cluster.locked
    assert list(new_cluster.claims.values_list("id", flat=True)) == [claims[0].id]
    assert not Claim.objects.filter(id__in=[c.id for c in claims], cluster_locked=False).exists()

    services.claim_move(claim=claims[1], cluster=new_cluster, by=curator)
    claims[1].refresh_from_db()
    assert claims[1].cluster_id == new_cluster.id and claims[1].cluster_locked

    with pytest.raises(services.CurationError, match="leaves the cluster empty"):
        services.cluster_split(cluster=new_cluster, claims=list(new_cluster.claims.all()), by=curator)
    elsewhere = ClaimCluster.objects.filter(event=demo_events["strikes"]).first()
    with pytest.raises(services.CurationError, match="move the article"):
        services.claim_move(claim=claims[2], cluster=elsewhere, by=curator)


def test_relation_set_label_stores_a_locked_curator_label(demo_events, curator):
    relation = ClaimRelation.objects.filter(event=demo_events["exchange"], label="agree").first()
    services.relation_set_label(relation=relation, label="contradict", note="one says postponed", by=curator)
    relation.refresh_from_db()
    assert (relation.label, relation.set_by, relation.locked, relation.curator, relation.note, relation.reason) == \
        ("contradict", "curator", True, curator, "one says postponed", "curator")
    decision = CurationDecision.objects.get(action="relation_label")
    change = changes_of(decision, ClaimRelation, "label").get()
    assert (change.before, change.after) == ("agree", "contradict")
    with pytest.raises(services.CurationError, match="Unknown relation label"):
        services.relation_set_label(relation=relation, label="maybe", by=curator)


def test_relation_confirm_keeps_the_machine_label(demo_events, curator):
    relation = ClaimRelation.objects.filter(event=demo_events["exchange"], label="contradict").first()
    label, score, reason = relation.label, relation.score, relation.reason
    services.relation_confirm(relation=relation, by=curator)
    relation.refresh_from_db()
    assert (relation.label, relation.score, relation.reason) == (label, score, reason)
    assert relation.set_by == "curator" and relation.locked and relation.curator == curator


def test_article_mark_syndicated_and_unmark(demo_events, curator):
    dnipro = demo_events["dnipro"]
    berlin = dnipro.articles.get(outlet__name__startswith="Sample Outlet D")
    moscow = dnipro.articles.get(outlet__name__startswith="Sample Outlet C")
    services.article_mark_syndicated(article=berlin, original=moscow, by=curator)
    berlin.refresh_from_db()
    assert berlin.syndicated_copy_of_id == moscow.id and berlin.syndication_locked
    assert not ClaimRelation.objects.filter(claim_a__article__in=[berlin, moscow],
                                            claim_b__article__in=[berlin, moscow], locked=False).exists()
    services.article_mark_syndicated(article=berlin, original=None, by=curator)
    berlin.refresh_from_db()
    assert berlin.syndicated_copy_of_id is None and berlin.syndication_locked
    with pytest.raises(services.CurationError, match="copy of itself"):
        services.article_mark_syndicated(article=berlin, original=berlin, by=curator)


def test_article_marked_copy_of_an_article_in_another_event_joins_it(demo_events, curator):
    copy = demo_events["strikes"].articles.get(outlet__name__startswith="Sample Outlet C")
    original = demo_events["dnipro"].articles.get(outlet__name__startswith="Sample Outlet D")
    services.article_mark_syndicated(article=copy, original=original, by=curator)
    copy.refresh_from_db()
    assert copy.event_id == original.event_id and copy.event_locked


def test_metadata_update_records_from_to_and_refuses_membership_fields(demo_corpus, curator):
    outlet = Outlet.objects.get(name__startswith="Sample Outlet A")
    services.metadata_update(instance=outlet, data={"country": "Ukraine (sample)", "notes": "Fictional."},
                             by=curator)
    outlet.refresh_from_db()
    assert outlet.country == "Ukraine (sample)"
    change = CurationChange.objects.get(field="country")
    assert (change.before, change.after) == ("Ukraine", "Ukraine (sample)")
    article = outlet.articles.first()
    with pytest.raises(services.CurationError, match="event_locked"):
        services.metadata_update(instance=article, data={"event_locked": False}, by=curator)


def test_services_need_a_signed_in_user(demo_events):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(services.CurationError, match="signed-in user"):
        services.event_rename(event=demo_events["strikes"], title="x", by=AnonymousUser())
