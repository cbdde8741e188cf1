"""Storing rows with vectors: binary COPY for new rows, INSERT … ON CONFLICT for cached vectors."""
from datetime import datetime, timezone

import numpy as np
import pytest
from django.db import IntegrityError, transaction

from comparer.models import Claim, ClaimCluster, EmbeddingCache, Event
from comparer.pipeline import embed
from comparer.pipeline.ingest import ArticleInput, OutletInput, ingest_article

SENTENCES = ["Russia's defence ministry said 3,435 Ukrainian troops were killed on Sunday.",
             "Kyiv said the exchange was postponed until next week.",
             "Ukraine did not show up at the agreed POW and body exchange, General Alexander Zorin told TASS."]


def _article():
    article, _ = ingest_article(ArticleInput(
        outlet=OutletInput(name="Copy Test Outlet"), title="Exchange postponed", text=" ".join(SENTENCES),
        published_at=datetime(2025, 6, 8, tzinfo=timezone.utc), source_format="json", source_name="test"))
    return article


def _claims(article, event, vectors):
    return [Claim(article=article, event=event, position=i, char_start=0, char_end=len(text), text=text,
                  text_hash=f"hash-{i}", speaker="General Alexander Zorin" if i == 2 else "",
                  numbers=[{"value": 3435, "unit": "troops"}] if i == 0 else [], places=["Ukraine"],
                  embedding=vector)
            for i, (text, vector) in enumerate(zip(SENTENCES, vectors))]


@pytest.mark.django_db
def test_new_rows_are_copied_with_their_keys_vectors_and_json_intact():
    article = _article()
    event = Event.objects.create(title="Exchange")
    vectors = np.random.default_rng(0).normal(size=(3, 384)).astype(np.float32)
    clusters = [ClaimCluster(event=event, label="with centroid", centroid=vectors[0]),
                ClaimCluster(event=event, label="no centroid yet", centroid=None, position=1)]
    embed.insert_rows(clusters)
    assert all(c.pk is not None and not c._state.adding for c in clusters)
    claims = _claims(article, event, vectors)
    claims[1].cluster = clusters[1]
    embed.insert_rows(claims)

    stored = {c.id: c for c in embed.with_vectors(Claim.objects.filter(article=article))}
    assert sorted(stored) == sorted(c.pk for c in claims)
    for claim in claims:
        row = stored[claim.pk]
        assert (row.text, row.position, row.event_id, row.speaker, row.numbers, row.places) == (
            claim.text, claim.position, event.id, claim.speaker, claim.numbers, claim.places)
        assert np.array_equal(row.embedding, claim.embedding)  # float32 both ways: bit for bit
        assert row.created_at is not None
    assert stored[claims[1].pk].cluster_id == clusters[1].pk
    assert ClaimCluster.objects.get(pk=clusters[1].pk).centroid is None
    # The sequence moved past the copied keys: the ORM's next row does not collide.
    later = Event.objects.create(title="later")
    assert later.pk and ClaimCluster.objects.create(event=later, label="x").pk > max(c.pk for c in clusters)


@pytest.mark.django_db
def test_a_row_that_exists_already_is_a_django_integrity_error_and_leaves_nothing_behind():
    article = _article()
    event = Event.objects.create(title="Exchange")
    vectors = np.ones((3, 384), dtype=np.float32)
    embed.insert_rows(_claims(article, event, vectors)[:1])
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            embed.insert_rows(_claims(article, event, vectors))  # position 0 is taken
    assert Claim.objects.filter(article=article).count() == 1


@pytest.mark.django_db
def test_cached_vectors_that_exist_are_skipped_not_an_error():
    vector = np.full(384, 0.5, dtype=np.float32)
    embed.insert_rows([EmbeddingCache(text_hash="h1", model_name=embed.MODEL_NAME, embedding=vector)],
                      ignore_conflicts=True)
    embed.insert_rows([EmbeddingCache(text_hash="h1", model_name=embed.MODEL_NAME, embedding=vector * 2),
                       EmbeddingCache(text_hash="h2", model_name=embed.MODEL_NAME, embedding=vector)],
                      ignore_conflicts=True)
    stored = dict(EmbeddingCache.objects.values_list("text_hash", "embedding"))
    assert sorted(stored) == ["h1", "h2"]
    assert np.allclose(stored["h1"], vector)  # the first vector stays
