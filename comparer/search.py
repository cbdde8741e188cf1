"""Claim search shared by the web UI and the API: PostgreSQL full-text and pgvector semantic."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, QuerySet, Value
from pgvector.django import CosineDistance

from comparer.models import Claim

MODES = ("keyword", "semantic")


@dataclass
class ClaimFilters:
    outlet_id: int | None = None
    event_id: int | None = None
    country: str = ""
    date_from: datetime | None = None
    date_to: datetime | None = None


# Result lists show the sentence, outlet and event; the vectors and full article texts stay in the database.
RESULT_DEFERRED_FIELDS = ("embedding", "article__text", "article__metadata", "article__standfirst",
                          "article__outlet__notes", "event__centroid", "event__summary")


def _results() -> QuerySet[Claim]:
    return Claim.objects.select_related("article", "article__outlet", "event").defer(*RESULT_DEFERRED_FIELDS)


def _filtered(filters: ClaimFilters | None) -> QuerySet[Claim]:
    claims = _results()
    if filters is None:
        return claims
    if filters.outlet_id:
        claims = claims.filter(article__outlet_id=filters.outlet_id)
    if filters.event_id:
        claims = claims.filter(event_id=filters.event_id)
    if filters.country:
        claims = claims.filter(article__outlet__country__iexact=filters.country)
    if filters.date_from:
        claims = claims.filter(article__published_at__gte=filters.date_from)
    if filters.date_to:
        claims = claims.filter(article__published_at__lte=filters.date_to)
    return claims


def keyword_search(query: str, filters: ClaimFilters | None = None) -> QuerySet[Claim]:
    """Full-text search (English stemming, websearch syntax: quotes, OR, -word), best first.

    Uses the same expression as the ``claim_text_search`` GIN index so the index applies.
    """
    search_query = SearchQuery(query, config="english", search_type="websearch")
    vector = SearchVector("text", config="english")
    return (_filtered(filters).annotate(search=vector).filter(search=search_query)
            .annotate(rank=SearchRank(vector, search_query)).order_by("-rank", "id"))


def semantic_search(query: str, filters: ClaimFilters | None = None, limit: int = 50) -> list[Claim]:
    """Claims nearest in meaning to ``query`` (cosine distance over the HNSW index)."""
    from comparer.pipeline.embed import encode

    return nearest_claims(encode([query])[0], filters, limit)


def nearest_claims(vector, filters: ClaimFilters | None = None, limit: int = 50) -> list[Claim]:
    """Claims nearest to ``vector``, best first, each with ``distance`` set.

    Two steps: the kNN query returns ids and distances only (the plan of a bare pgvector kNN
    query), then one query loads the display fields for those ids. Materialising models with
    their joins inside the kNN query cost several times the kNN itself (bench/FINDINGS.md).
    """
    ranked = _nearest(_filtered(filters).filter(embedding__isnull=False), vector, limit, ("id", "distance"))
    rows = _results().in_bulk([claim_id for claim_id, _ in ranked])
    results = []
    for claim_id, distance in ranked:
        claim = rows.get(claim_id)
        if claim is not None:
            claim.distance = distance
            results.append(claim)
    return results


def similar_claims(claim: Claim, limit: int = 10, other_events_only: bool = False) -> list[Claim]:
    """Nearest claims to a stored claim, excluding its own article."""
    if claim.embedding is None:
        return []
    claims = _results().exclude(article_id=claim.article_id).filter(embedding__isnull=False)
    if other_events_only and claim.event_id:
        claims = claims.exclude(event_id=claim.event_id)
    return _nearest(claims, claim.embedding, limit)


def _nearest(queryset, vector, limit: int, fields: tuple[str, ...] = ()) -> list:
    """The ``limit`` rows of ``queryset`` nearest to ``vector``, each with ``distance``.

    The HNSW scan can come back short when the graph's nearest entries are dead tuples not yet
    vacuumed (bulk deletes, rolled-back loads); then the query is repeated as an exact scan (an
    ORDER BY expression the index cannot serve), so users still see the neighbours that exist.
    On a healthy table the first query already returns ``limit`` rows.
    """
    def run(distance):
        ordered = queryset.annotate(distance=distance).order_by("distance")
        return list((ordered.values_list(*fields) if fields else ordered)[:limit])

    results = run(CosineDistance("embedding", vector))
    if len(results) < limit:
        results = run(CosineDistance("embedding", vector) + Value(0.0))
    return results


def search_claims(query: str, mode: str = "keyword", filters: ClaimFilters | None = None, limit: int = 50):
    """Keyword or semantic search, best first; an empty query finds nothing rather than everything."""
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
    if not query.strip():
        return []
    if mode == "semantic":
        return semantic_search(query, filters, limit)
    return list(keyword_search(query, filters)[:limit])
