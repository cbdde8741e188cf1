"""Decisions are revertable from the audit trail, in one transaction, and refuse to clobber later ones."""
import pytest

from comparer import services
from comparer.curation.models import CurationDecision
from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event

pytestmark = pytest.mark.django_db


def membership():
    return dict(Article.objects.values_list("id", "event_id"))


def test_revert_merge_restores_both_events(demo_events, curator):
    strikes, dnipro = demo_events["strikes"], demo_events["dnipro"]
    before = membership()
    locks_before = dict(Article.objects.values_list("id", "event_locked"))
    services.event_merge(events=[strikes, dnipro], title="Merged", by=curator)
    merge = CurationDecision.objects.get(action="event_merge")

    revert = services.decision_revert(decision=merge, by=curator)

    assert membership() == before
    assert dict(Article.objects.values_list("id", "event_locked")) == locks_before
    restored = Event.objects.get(id=dnipro.id)
    assert restored.title == dnipro.title and restored.outlet_count == dnipro.outlet_count
    strikes.refresh_from_db()
    assert strikes.title == demo_events["strikes"].title and not strikes.locked
    assert set(Claim.objects.filter(event=restored).values_list("article_id", flat=True)) == \
        set(restored.articles.values_list("id", flat=True))
    assert not Claim.objects.filter(event=restored).exclude(cluster__event=restored).exists()
    assert revert.action == "revert" and revert.reverts == merge and revert.user == curator
    with pytest.raises(services.CurationError, match="already reverted"):
        services.decision_revert(decision=merge, by=curator)


def test_revert_split_removes_the_new_event(demo_events, curator):
    exchange = demo_events["exchange"]
    before = membership()
    new_event = services.event_split(event=exchange, articles=[exchange.articles.order_by("id").first()],
                                     by=curator)
    services.decision_revert(decision=CurationDecision.objects.get(action="event_split"), by=curator)
    assert membership() == before
    assert not Event.objects.filter(id=new_event.id).exists()


def test_revert_relabel_and_cluster_merge(demo_events, curator):
    relation = ClaimRelation.objects.filter(event=demo_events["exchange"], label="agree").first()
    services.relation_set_label(relation=relation, label="contradict", by=curator)
    services.decision_revert(decision=CurationDecision.objects.get(action="relation_label"), by=curator)
    relation.refresh_from_db()
    assert (relation.label, relation.set_by, relation.locked, relation.curator) == ("agree", "model", False, None)

    first, second = ClaimCluster.objects.filter(event=demo_events["strikes"]).order_by("position")[:2]
    members = {c.id: set(c.claims.values_list("id", flat=True)) for c in (first, second)}
    services.cluster_merge(clusters=[first, second], by=curator)
    services.decision_revert(decision=CurationDecision.objects.get(action="cluster_merge"), by=curator)
    for cluster_id, claim_ids in members.items():
        assert set(ClaimCluster.objects.get(id=cluster_id).claims.values_list("id", flat=True)) == claim_ids
    assert not Claim.objects.filter(id__in=members[first.id] | members[second.id], cluster_locked=True).exists()


def test_revert_refuses_when_a_later_decision_changed_the_same_values(demo_events, curator):
    strikes, dnipro = demo_events["strikes"], demo_events["dnipro"]
    moved = dnipro.articles.order_by("id").first()
    merged = services.event_merge(events=[strikes, dnipro], by=curator)
    services.event_split(event=merged, articles=[moved], by=curator)
    after_split = membership()

    with pytest.raises(services.CurationError, match="Revert the later decision"):
        services.decision_revert(decision=CurationDecision.objects.get(action="event_merge"), by=curator)

    assert membership() == after_split, "a refused revert changes nothing"
    assert CurationDecision.objects.filter(action="revert").count() == 0
