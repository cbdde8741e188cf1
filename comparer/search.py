"""Claim search shared by the web UI and the API: PostgreSQL full-text and pgvector semantic."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, QuerySet
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

    vector = encode([query])[0]
    return list(_filtered(filters).filter(embedding__isnull=False)
                .annotate(distance=CosineDistance("embedding", vector)).order_by("distance")[:limit])


def similar_claims(claim: Claim, limit: int = 10, other_events_only: bool = False) -> list[Claim]:
    """Nearest claims to a stored claim, excluding its own article."""
    if claim.embedding is None:
        return []
    claims = _results().exclude(article_id=claim.article_id).filter(embedding__isnull=False)
    if other_events_only and claim.event_id:
        claims = claims.exclude(event_id=claim.event_id)
    return list(claims.annotate(distance=CosineDistance("embedding", claim.embedding)).order_by("distance")[:limit])


def search_claims(query: str, mode: str = "keyword", filters: ClaimFilters | None = None, limit: int = 50):
    """Keyword or semantic search, best first; an empty query finds nothing rather than everything."""
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
    if not query.strip():
        return []
    if mode == "semantic":
        return semantic_search(query, filters, limit)
    return list(keyword_search(query, filters)[:limit])
