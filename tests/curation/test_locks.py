"""Curator decisions survive re-analysis: curate, re-run the whole pipeline, every decision stands."""
import pytest
from django.db.models import Count

from comparer import services
from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event, Outlet
from comparer.pipeline.run import analyze

pytestmark = pytest.mark.django_db


def curate_everything(events, curator):
    """One of each decision, on the demo corpus. Returns what each decision should leave behind."""
    exchange, strikes, dnipro = events["exchange"], events["strikes"], events["dnipro"]
    expected = {}

    merged = services.event_merge(events=[strikes, dnipro], title="Strikes and the Dnipropetrovsk push", by=curator)
    expected["merged"] = (merged.id, set(merged.articles.values_list("id", flat=True)))

    kyiv = exchange.articles.get(outlet__name__startswith="Sample Outlet A")
    split_off = services.event_split(event=exchange, articles=[kyiv], title="Kyiv: exchange postponed", by=curator)
    expected["split"] = (split_off.id, {kyiv.id}, exchange.id,
                         set(exchange.articles.values_list("id", flat=True)))

    services.event_rename(event=exchange, title="The 7 June exchange", by=curator)
    services.event_mark_reviewed(event=exchange, by=curator)

    first, second = ClaimCluster.objects.filter(event=exchange).order_by("position")[:2]
    target = services.cluster_merge(clusters=[first, second], by=curator)
    expected["cluster_merge"] = (target.id, set(target.claims.values_list("id", flat=True)))

    big = (ClaimCluster.objects.filter(event=merged).exclude(id=target.id)
           .annotate(n=Count("claims")).filter(n__gte=3)
           .order_by("position").first())
    split_claims = list(big.claims.order_by("id")[:1])
    new_cluster = services.cluster_split(cluster=big, claims=split_claims, by=curator)
    expected["cluster_split"] = {big.id: set(big.claims.values_list("id", flat=True)),
                                 new_cluster.id: {split_claims[0].id}}

    mover = Claim.objects.filter(event=merged, cluster_locked=False).order_by("id").first()
    services.claim_move(claim=mover, cluster=new_cluster, by=curator)
    expected["cluster_split"][new_cluster.id].add(mover.id)
    expected["moved_claim"] = (mover.id, new_cluster.id)

    relabelled = (ClaimRelation.objects.filter(event=exchange, label="agree").order_by("id").first()
                  or ClaimRelation.objects.filter(label="agree").order_by("id").first())
    services.relation_set_label(relation=relabelled, label="unrelated", note="different days", by=curator)
    confirmed = (ClaimRelation.objects.filter(event=exchange, label="contradict", locked=False).order_by("id").first()
                 or ClaimRelation.objects.filter(label="contradict", locked=False).order_by("id").first())
    services.relation_confirm(relation=confirmed, by=curator)
    expected["relations"] = {relabelled.id: "unrelated", confirmed.id: confirmed.label}

    # The machine linked the Beirut text as a copy of the wire story; the curator says it is not one.
    beirut = Article.objects.get(outlet__name__startswith="Sample Outlet E")
    assert beirut.syndicated_copy_of_id is not None
    services.article_mark_syndicated(article=beirut, original=None, by=curator)
    berlin = Article.objects.get(outlet__name__startswith="Sample Outlet D")
    moscow_dnipro = Article.objects.get(title__startswith="Russian troops push into Dnipropetrovsk")
    services.article_mark_syndicated(article=berlin, original=moscow_dnipro, by=curator)
    expected["syndication"] = {beirut.id: None, berlin.id: moscow_dnipro.id}

    outlet = Outlet.objects.get(name__startswith="Sample Outlet B")
    services.metadata_update(instance=outlet, data={"country": "United Kingdom (sample)"}, by=curator)
    expected["outlet"] = (outlet.id, "United Kingdom (sample)")
    return expected


def assert_decisions_stand(expected):
    merged_id, merged_articles = expected["merged"]
    assert set(Article.objects.filter(event_id=merged_id).values_list("id", flat=True)) == merged_articles
    assert Event.objects.get(id=merged_id).title == "Strikes and the Dnipropetrovsk push"

    new_id, moved, old_id, staying = expected["split"]
    assert set(Article.objects.filter(event_id=new_id).values_list("id", flat=True)) == moved
    assert set(Article.objects.filter(event_id=old_id).values_list("id", flat=True)) == staying
    old = Event.objects.get(id=old_id)
    assert (old.title, old.reviewed, old.locked) == ("The 7 June exchange", True, True)
    assert Event.objects.get(id=new_id).title == "Kyiv: exchange postponed"

    target_id, members = expected["cluster_merge"]
    assert set(Claim.objects.filter(cluster_id=target_id).values_list("id", flat=True)) == members
    for cluster_id, claim_ids in expected["cluster_split"].items():
        assert set(Claim.objects.filter(cluster_id=cluster_id).values_list("id", flat=True)) == claim_ids
    claim_id, cluster_id = expected["moved_claim"]
    assert Claim.objects.get(id=claim_id).cluster_id == cluster_id

    for relation_id, label in expected["relations"].items():
        relation = ClaimRelation.objects.get(id=relation_id)
        assert (relation.label, relation.set_by, relation.locked) == (label, "curator", True)

    for article_id, original_id in expected["syndication"].items():
        assert Article.objects.get(id=article_id).syndicated_copy_of_id == original_id

    outlet_id, country = expected["outlet"]
    assert Outlet.objects.get(id=outlet_id).country == country


def test_every_curator_decision_survives_full_reanalysis(demo_events, curator):
    expected = curate_everything(demo_events, curator)
    assert_decisions_stand(expected)

    report = analyze(full=True)

    assert report.failed == 0 and report.articles == Article.objects.count()
    assert_decisions_stand(expected)
    # ...and again incrementally, after new work arrives for every article.
    Article.objects.update(analysis_status=Article.AnalysisStatus.PENDING)
    analyze()
    assert_decisions_stand(expected)
