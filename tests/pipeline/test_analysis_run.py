import pytest
from django.db.models import Q

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
    # The copy's sentences that its original has are judged once, through the original's claims.
    repeated = set(copy.syndicated_copy_of.claims.values_list("text_hash", flat=True))
    through_copy = ClaimRelation.objects.filter(Q(claim_a__article=copy, claim_a__text_hash__in=repeated)
                                                | Q(claim_b__article=copy, claim_b__text_hash__in=repeated))
    assert not through_copy.exists()
    original = ClaimRelation.objects.filter(Q(claim_a__article=copy.syndicated_copy_of)
                                            | Q(claim_b__article=copy.syndicated_copy_of))
    assert original.exists()


@pytest.mark.django_db
def test_full_rerun_finds_syndicated_copies_again_inside_a_pinned_event(demo_corpus):
    copy = Article.objects.get(outlet__name__startswith="Sample Outlet E")
    original_id, event_id = copy.syndicated_copy_of_id, copy.event_id
    Article.objects.filter(id=copy.id).update(event_locked=True)
    analyze(full=True)
    copy.refresh_from_db()
    assert copy.event_id == event_id
    assert copy.syndicated_copy_of_id == original_id


DEMO = ["01_exchange-postponed-kyiv.json", "02_exchange-no-show-moscow.json", "05_massive-strike-moscow.json"]


def _ingest(*names):
    from comparer.pipeline.ingest import ingest_paths
    from tests.conftest import FIXTURES

    report = ingest_paths([FIXTURES / "demo" / name for name in names])
    assert not report.errors, report.errors
    return report.created


@pytest.mark.django_db
def test_analysis_writes_each_claim_once_with_its_vector_and_encodes_the_batch_in_one_call(monkeypatch):
    import numpy as np
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comparer.models import EmbeddingCache
    from comparer.pipeline import embed

    embed._memory.clear()
    calls = []
    real_encode = embed.encode
    monkeypatch.setattr(embed, "encode", lambda texts, **kw: calls.append(list(texts)) or real_encode(texts, **kw))
    articles = _ingest(*DEMO)
    with CaptureQueriesContext(connection) as queries:
        report = analyze(articles)
    assert report.failed == 0 and report.articles == len(DEMO)
    claims = list(Claim.objects.filter(article__in=articles))
    assert len(claims) == report.claims > 0
    # One encoder call for all the articles' sentences, each distinct sentence once.
    assert len(calls) == 1 and sorted(calls[0]) == sorted({c.text for c in claims})
    assert report.encoded == len(calls[0])
    # Each claim is inserted once, with its vector and its event (one COPY an article, once the
    # article's event is chosen); nothing writes claim vectors or events a second time.
    sql = [q["sql"] for q in queries.captured_queries]
    claim_inserts = [s for s in sql if s.startswith(('INSERT INTO "comparer_claim"', 'COPY "comparer_claim"'))]
    assert len(claim_inserts) == len(DEMO)
    assert all('"embedding"' in s and '"event_id"' in s for s in claim_inserts)
    assert not [s for s in sql if s.startswith('UPDATE "comparer_claim"') and ("embedding" in s or "event_id" in s)]
    assert all(c.event_id == c.article.event_id for c in claims)
    # The vectors are the encoder's, unchanged by the binary transfer, and cached by text hash.
    texts = [c.text for c in claims]
    assert np.allclose(np.array([c.embedding for c in claims]), real_encode(texts), atol=1e-5)
    assert set(EmbeddingCache.objects.values_list("text_hash", flat=True)) >= {c.text_hash for c in claims}


@pytest.mark.django_db
def test_claims_of_an_article_opening_an_event_are_stored_with_their_clusters():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comparer.pipeline import cluster

    articles = _ingest(DEMO[2])
    with CaptureQueriesContext(connection) as queries:
        report = analyze(articles)
    assert report.failed == 0 and report.claims > 1
    sql = [q["sql"] for q in queries.captured_queries]
    # Inserted once with event and cluster: no UPDATE of any claim row follows.
    assert not [s for s in sql if s.lstrip().upper().startswith(("UPDATE COMPARER_CLAIM ", 'UPDATE "COMPARER_CLAIM"'))]
    claims = list(Claim.objects.filter(article__in=articles).order_by("position"))
    assert all(c.cluster_id is not None and c.event_id == articles[0].event_id for c in claims)
    stored = {c.id: c.cluster_id for c in claims}
    # The same partition as grouping the whole event afresh.
    cluster.cluster_claims(Event.objects.get(id=articles[0].event_id), regroup=True)
    regrouped = dict(Claim.objects.filter(article__in=articles).values_list("id", "cluster_id"))

    def partition(assignment):
        groups = {}
        for claim_id, cluster_id in assignment.items():
            groups.setdefault(cluster_id, set()).add(claim_id)
        return sorted(map(sorted, groups.values()))
    assert partition(stored) == partition(regrouped)
    assert len(set(stored.values())) > 1


@pytest.mark.django_db
def test_sentences_already_cached_are_not_encoded_again(monkeypatch):
    from comparer.pipeline import embed

    analyze(_ingest(DEMO[0]))
    embed._memory.clear()  # a new process: only the database cache is left
    monkeypatch.setattr(embed, "encode", lambda texts, **kw: pytest.fail(f"encoded {len(texts)} cached sentences"))
    Claim.objects.all().delete()
    Article.objects.update(analysis_status="pending")
    report = analyze()
    assert report.failed == 0 and report.claims > 0 and report.encoded == 0
    assert not Claim.objects.filter(embedding__isnull=True).exists()


@pytest.mark.django_db
def test_claims_stored_concurrently_by_another_worker_are_kept():
    """Two workers prepare the same articles outside the lock (claims unsaved); another one stores
    ``first``'s claims before this one's locked step does: its rows are kept and put into the
    event, and the rest are stored."""
    from comparer.pipeline import run

    first, second = _ingest(DEMO[0], DEMO[1])
    prepared = run.prepare_claims([first, second])
    assert all(c.pk is None and c.embedding is not None for claims in prepared.values() for c in claims)
    other = Article.objects.get(id=first.id)
    other_claims = run.prepare_claims([other])[first.id]
    theirs = [c.id for c in run.store_claims(other, other_claims, Event.objects.create(title="theirs"),
                                             run.AnalysisReport())]
    report = analyze([first, second], prepared_claims=prepared)
    assert report.failed == 0 and report.articles == 2
    assert theirs and sorted(Claim.objects.filter(article=first).values_list("id", flat=True)) == sorted(theirs)
    assert report.claims == Claim.objects.filter(article=second).count() > 0
    stored = list(Claim.objects.filter(article__in=[first, second]).select_related("article"))
    assert all(c.embedding is not None and c.event_id == c.article.event_id and c.cluster_id for c in stored)


@pytest.mark.django_db
def test_an_article_whose_claims_fail_to_extract_is_marked_and_the_rest_analysed(monkeypatch):
    from comparer.pipeline import run

    bad, good = _ingest(DEMO[0], DEMO[1])
    real = run.extract_article_claims

    def broken_for_one(article):
        if article.id == bad.id:
            raise ValueError("unparseable article")
        return real(article)

    monkeypatch.setattr(run, "extract_article_claims", broken_for_one)
    report = analyze([bad, good])
    assert report.failed == 1 and report.articles == 1
    bad.refresh_from_db()
    assert bad.analysis_status == "failed" and "unparseable article" in bad.analysis_error
    assert Claim.objects.filter(article=good, embedding__isnull=False).exists()


def _stale(claims):
    """Make stored claims look as an older extraction left them: no speaker, no figures, no places."""
    for claim in claims:
        claim.speaker = claim.speaker_normalized = ""
        claim.numbers, claim.places = [], []
    Claim.objects.bulk_update(claims, ["speaker", "speaker_normalized", "numbers", "places"])


@pytest.mark.django_db
def test_a_full_run_refreshes_what_extraction_derives_and_keeps_ids_and_vectors():
    import numpy as np

    articles = _ingest("06_general-staff-denies-kyiv.json")
    analyze(articles)
    before = {c.id: c for c in Claim.objects.filter(article__in=articles)}
    expected = {(c.position, c.speaker, tuple(map(str, c.numbers)), tuple(c.places)) for c in before.values()}
    assert any(c.speaker for c in before.values()) and any(c.numbers for c in before.values())
    stale = sum(1 for c in before.values() if c.speaker or c.numbers or c.places)
    _stale(list(before.values()))

    report = analyze(full=True)
    after = {c.id: c for c in Claim.objects.filter(article__in=articles)}
    assert sorted(after) == sorted(before)  # same rows
    assert {(c.position, c.speaker, tuple(map(str, c.numbers)), tuple(c.places)) for c in after.values()} == expected
    assert all(np.array_equal(after[i].embedding, before[i].embedding) for i in after)
    assert report.claims_updated == stale
    assert report.articles_resplit == report.articles_kept == 0 and report.claims == 0
    assert "stored claims updated" in str(report)
    # An incremental run leaves stored claims alone.
    _stale(list(after.values()))
    Article.objects.filter(id__in=[a.id for a in articles]).update(analysis_status="pending")
    analyze()
    assert not Claim.objects.filter(article__in=articles).exclude(speaker="").exists()


def _split_differently(article):
    """Claims as an older sentence splitter stored them: the first two sentences run together."""
    claims = list(Claim.objects.filter(article=article).order_by("position"))
    claims[1].text = claims[1].text + " " + claims[2].text
    claims[1].text_hash = "older-split"
    claims[1].save(update_fields=["text", "text_hash"])
    claims[2].delete()


@pytest.mark.django_db
def test_a_full_run_splits_again_an_article_whose_sentences_changed():
    from comparer.pipeline.run import claims_from_text

    article, other = _ingest(DEMO[0], DEMO[1])
    analyze([article, other])
    _split_differently(article)
    report = analyze(full=True)
    assert report.failed == 0 and report.articles_resplit == 1 and report.articles_kept == 0
    stored = list(Claim.objects.filter(article=article).order_by("position"))
    assert [(c.position, c.text) for c in stored] == [(c.position, c.text) for c in claims_from_text(article)]
    assert report.claims == len(stored)
    article.refresh_from_db()
    assert all(c.embedding is not None and c.event_id == article.event_id for c in stored)


@pytest.mark.django_db
def test_a_full_run_keeps_the_claims_of_an_article_a_curator_touched():
    article, other = _ingest(DEMO[0], DEMO[1])
    analyze([article, other])
    _split_differently(article)
    Claim.objects.filter(article=article, position=0).update(cluster_locked=True)
    kept = list(Claim.objects.filter(article=article).order_by("position").values_list("id", "text"))

    report = analyze(full=True)
    assert report.failed == 0 and report.articles_kept == 1 and report.articles_resplit == 0
    assert list(Claim.objects.filter(article=article).order_by("position").values_list("id", "text")) == kept


@pytest.mark.django_db
def test_a_broken_constraint_other_than_a_concurrent_copy_is_not_taken_for_one():
    from django.db import IntegrityError

    from comparer.pipeline import run

    (article,) = _ingest(DEMO[0])
    claims = run.prepare_claims([article])[article.id]
    claims[0].position = -1          # breaks the positive-position check, not the unique position
    with pytest.raises(IntegrityError):
        run.store_claims(article, claims, Event.objects.create(title="exchange"), run.AnalysisReport())
    assert not Claim.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_events_refreshed_lightly_while_articles_join_are_whole_after_the_run(monkeypatch):
    import numpy as np

    from comparer.pipeline import cluster

    monkeypatch.setattr(cluster, "REFRESH_IN_FULL_UNDER", 0)   # every event is "large"
    monkeypatch.setattr(cluster, "REFRESH_GROWTH", 100.0)      # and never grows enough while placing
    full = []
    real_refresh = cluster.refresh_event
    monkeypatch.setattr(cluster, "refresh_event", lambda event: full.append(event.id) or real_refresh(event))
    articles = _ingest(*DEMO)
    report = analyze(articles)
    assert report.failed == 0 and report.articles == len(DEMO)
    events = list(Event.objects.filter(articles__in=articles).distinct())
    # Each event: once in full when its first article placed it, once at the end of the run.
    assert sorted(full) == sorted([e.id for e in events] * 2)
    fields = ("title", "first_seen", "last_seen", "outlet_count", "claim_count", "agree_count",
              "contradict_count", "languages", "entities")
    assert max(e.articles.count() for e in events) >= 2   # so some article's refresh was the light one
    for event in events:
        stored = [getattr(event, f) for f in fields]
        centroid = np.asarray(event.centroid)
        real_refresh(event)
        assert stored == [getattr(event, f) for f in fields]
        assert np.allclose(centroid, event.centroid)
