"""Cluster: articles into events across outlets, claims into claim clusters.

Events are assigned incrementally: a new article is compared with the nearest event
centroids (pgvector HNSW), only within a time window, with a bonus for shared places and
actors, so one article costs a bounded number of lookups however large the archive is.
Near-identical copies (rapidfuzz) are linked as syndicated copies and follow their original.
Curated decisions (``event_locked``, ``cluster_locked``, ``syndication_locked``) are never changed.
"""
from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.db.models import Q
from pgvector.django import CosineDistance

from comparer.models import Article, Claim, ClaimCluster, Event

EVENT_SIMILARITY = 0.72       # article-to-event cosine similarity needed to join an event
EVENT_WINDOW = timedelta(days=5)
EVENT_CANDIDATES = 10
CLAIM_SIMILARITY = 0.72       # claim-to-cluster similarity needed to state "the same proposition"
SYNDICATION_RATIO = 90        # rapidfuzz ratio above which two texts are copies of one another
PLACE_BONUS = 0.02            # per shared place or actor, capped at 3


def unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


def article_vector(claims: list[Claim]) -> np.ndarray | None:
    weighted = []
    for claim in claims:
        if claim.embedding is None:
            continue
        weight = 2.0 if claim.is_headline else (1.5 if claim.position == 1 else 1.0)
        weighted.append(np.asarray(claim.embedding, dtype=np.float32) * weight)
    return unit(np.sum(weighted, axis=0)) if weighted else None


def _entities(claims) -> set[str]:
    found: set[str] = set()
    for claim in claims:
        found.update(place.lower() for place in claim.places or [])
        if claim.speaker_normalized:
            found.add(claim.speaker_normalized.lower())
    return found


def find_syndication_source(article: Article) -> Article | None:
    """An earlier article from another outlet whose text is a near-identical copy."""
    from rapidfuzz import fuzz

    window = Q()
    if article.published_at:
        window = Q(published_at__gte=article.published_at - EVENT_WINDOW,
                   published_at__lte=article.published_at + timedelta(hours=1))
    candidates = (Article.objects.filter(window).exclude(id=article.id).exclude(outlet_id=article.outlet_id)
                  .filter(syndicated_copy_of__isnull=True).only("id", "text", "published_at", "event_id")
                  .order_by("published_at", "id")[:500])
    length = len(article.text)
    for candidate in candidates:
        if abs(len(candidate.text) - length) > 0.2 * max(length, 1):
            continue
        if candidate.published_at and article.published_at and candidate.published_at > article.published_at:
            continue
        if fuzz.ratio(candidate.text, article.text, score_cutoff=SYNDICATION_RATIO):
            return candidate
    return None


def assign_event(article: Article, claims: list[Claim]) -> Event:
    """Put an article into the best-matching event, or open a new one."""
    if not article.syndication_locked:
        # Detected even when a curator pinned the event: a full re-run resets machine
        # syndication links and must find them again, without moving the article.
        article.syndicated_copy_of = find_syndication_source(article)
    if article.event_locked and article.event_id:
        article.save(update_fields=["syndicated_copy_of"])
        return article.event
    if not article.syndication_locked:
        source = article.syndicated_copy_of
        if source is not None and source.event_id:
            article.event_id = source.event_id
            article.save(update_fields=["syndicated_copy_of", "event"])
            return article.event
    vector = article_vector(claims)
    event = None
    if vector is not None:
        candidates = Event.objects.filter(centroid__isnull=False)
        if article.published_at:
            candidates = candidates.filter(
                Q(first_seen__isnull=True)
                | Q(first_seen__lte=article.published_at + EVENT_WINDOW,
                    last_seen__gte=article.published_at - EVENT_WINDOW))
        nearest = list(candidates.annotate(distance=CosineDistance("centroid", vector))
                       .order_by("distance")[:EVENT_CANDIDATES])
        if nearest:
            mine = _entities(claims)
            entity_sets = _event_entities([e.id for e in nearest])
            best_score = -1.0
            for candidate in nearest:
                shared = len(mine & entity_sets.get(candidate.id, set()))
                score = 1 - candidate.distance + PLACE_BONUS * min(shared, 3)
                if score > best_score:
                    event, best_score = candidate, score
            if best_score < EVENT_SIMILARITY:
                event = None
    if event is None:
        event = Event.objects.create(title=article.title[:500], first_seen=article.published_at,
                                     last_seen=article.published_at)
    article.event = event
    article.save(update_fields=["syndicated_copy_of", "event"])
    refresh_event(event)
    return event


def _event_entities(event_ids: list[int]) -> dict[int, set[str]]:
    entities: dict[int, set[str]] = {}
    rows = Claim.objects.filter(event_id__in=event_ids).values_list("event_id", "places", "speaker_normalized")
    for event_id, places, speaker in rows:
        bucket = entities.setdefault(event_id, set())
        bucket.update(place.lower() for place in places or [])
        if speaker:
            bucket.add(speaker.lower())
    return entities


def refresh_event(event: Event) -> None:
    """Recompute the event centroid, time span and counters from its articles and claims."""
    articles = list(event.articles.all().only("id", "published_at", "outlet_id"))
    claims = list(Claim.objects.filter(article__event=event).only("embedding", "is_headline", "position"))
    vectors = [np.asarray(c.embedding, dtype=np.float32) * (2.0 if c.is_headline else 1.0)
               for c in claims if c.embedding is not None]
    dates = [a.published_at for a in articles if a.published_at]
    event.centroid = unit(np.sum(vectors, axis=0)) if vectors else None
    event.first_seen = min(dates) if dates else None
    event.last_seen = max(dates) if dates else None
    event.outlet_count = len({a.outlet_id for a in articles})
    event.claim_count = len(claims)
    counts = {row["label"]: row["n"] for row in _label_counts(event)}
    event.agree_count = counts.get("agree", 0)
    event.contradict_count = counts.get("contradict", 0)
    if not event.locked and articles and not event.reviewed:
        earliest = min(articles, key=lambda a: (a.published_at is None, a.published_at, a.id))
        event.title = Article.objects.filter(id=earliest.id).values_list("title", flat=True).first()[:500]
    event.save()


def _label_counts(event: Event):
    from django.db.models import Count

    return event.relations.values("label").annotate(n=Count("id"))


def cluster_claims(event: Event) -> int:
    """Group the event's claims into propositions (``propositions.group_propositions``).

    Claims a curator placed (``cluster_locked``) and members of locked clusters stay where they
    are; every other claim of the event is regrouped, reusing the existing cluster rows where
    the membership carries over so cluster ids stay stable across runs. Cost is bounded by the
    size of one event, never the archive.
    """
    from collections import Counter

    from comparer.pipeline.propositions import group_propositions

    claims = list(Claim.objects.filter(event=event, embedding__isnull=False)
                  .select_related("cluster").order_by("article__published_at", "article_id", "position"))
    free = [c for c in claims if not c.cluster_locked and not (c.cluster is not None and c.cluster.locked)]
    if not free:
        return 0
    groups = group_propositions([c.text for c in free], np.stack([unit(c.embedding) for c in free]))
    members: dict[int, list[Claim]] = {}
    for claim, group in zip(free, groups):
        members.setdefault(group, []).append(claim)
    reusable = {c.id: c for c in ClaimCluster.objects.filter(event=event, locked=False)}
    taken: set[int] = set()
    next_position = max((c.position for c in ClaimCluster.objects.filter(event=event)), default=-1) + 1
    kept: list[ClaimCluster] = []
    new: list[tuple[ClaimCluster, list[Claim]]] = []
    changed: list[Claim] = []
    for group, group_claims in members.items():
        previous = Counter(c.cluster_id for c in group_claims if c.cluster_id in reusable and c.cluster_id not in taken)
        centroid = unit(np.mean([unit(c.embedding) for c in group_claims], axis=0))
        if previous:
            cluster = reusable[previous.most_common(1)[0][0]]
            cluster.centroid, cluster.label = centroid, group_claims[0].text
            kept.append(cluster)
            taken.add(cluster.id)
            for claim in group_claims:
                if claim.cluster_id != cluster.id:
                    claim.cluster = cluster
                    changed.append(claim)
        else:
            new.append((ClaimCluster(event=event, label=group_claims[0].text, centroid=centroid,
                                     position=next_position), group_claims))
            next_position += 1
    ClaimCluster.objects.bulk_update(kept, ["centroid", "label"], batch_size=500)
    ClaimCluster.objects.bulk_create([cluster for cluster, _ in new], batch_size=500)
    for cluster, group_claims in new:
        for claim in group_claims:
            claim.cluster = cluster
            changed.append(claim)
    Claim.objects.bulk_update(changed, ["cluster"], batch_size=500)
    ClaimCluster.objects.filter(event=event, locked=False, claims__isnull=True).delete()
    return len(changed)
