"""Claim search shared by the web UI and the API: PostgreSQL full-text and pgvector semantic."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import JSONField, QuerySet
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from comparer.models import Article, Claim, Event, Outlet
from comparer.pipeline.embed import BinaryVector, server_bound_cursor

MODES = ("keyword", "semantic")


@dataclass
class ClaimFilters:
    outlet_id: int | None = None
    event_id: int | None = None
    country: str = ""
    language: str = ""   # the claim's language code ("ru")
    date_from: datetime | None = None
    date_to: datetime | None = None


# Result lists show the sentence, outlet and event; the vectors and full article texts stay in the database.
RESULT_DEFERRED_FIELDS = ("embedding", "xvector", "article__text", "article__metadata", "article__standfirst",
                          "article__outlet__notes", "event__centroid", "event__xcentroid", "event__summary")


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
    if filters.language:
        claims = claims.filter(language__iexact=filters.language)
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
    """Claims nearest to ``vector``, best first, each with ``distance`` set (see ``_nearest``)."""
    where, params, by_article = [], [], False
    if filters is not None:
        if filters.outlet_id:
            where.append("a.outlet_id = %s")
            params.append(filters.outlet_id)
        if filters.event_id:
            where.append("c.event_id = %s")
            params.append(filters.event_id)
        if filters.country:  # as the ORM's country__iexact
            where.append("UPPER(o.country::text) = UPPER(%s)")
            params.append(filters.country)
        if filters.language:  # as the ORM's language__iexact
            where.append("UPPER(c.language::text) = UPPER(%s)")
            params.append(filters.language)
        if filters.date_from:
            where.append("a.published_at >= %s")
            params.append(filters.date_from)
        if filters.date_to:
            where.append("a.published_at <= %s")
            params.append(filters.date_to)
        by_article = bool(filters.outlet_id or filters.country or filters.date_from or filters.date_to)
    return _nearest(vector, limit, where, params, by_article)


def similar_claims(claim: Claim, limit: int = 10, other_events_only: bool = False) -> list[Claim]:
    """Nearest claims to a stored claim, excluding its own article."""
    if claim.embedding is None:
        return []
    where, params = ["c.article_id <> %s"], [claim.article_id]
    if other_events_only and claim.event_id:
        where.append("c.event_id IS DISTINCT FROM %s")
        params.append(claim.event_id)
    return _nearest(claim.embedding, limit, where, params)


# What result lists show (search page, API search results, the claim page's nearest claims):
# instances get these fields, and any other field loads from the database on access, as with
# QuerySet.only(). Outlet and event instances are shared between results of one call.
RESULT_FIELDS = {
    Claim: ("id", "article_id", "event_id", "cluster_id", "position", "char_start", "char_end", "text",
            "is_headline", "is_checkworthy", "speaker", "channel", "is_quote", "numbers", "dates", "places",
            "language"),
    Article: ("id", "outlet_id", "published_at", "syndicated_copy_of_id"),
    Outlet: ("id", "name", "slug", "country"),
    Event: ("id", "title"),
}


@functools.cache
def _fields(model) -> tuple:
    """The model's result fields, in the model's field order (as ``Model.from_db`` expects)."""
    wanted = set(RESULT_FIELDS[model])
    return tuple(field for field in model._meta.concrete_fields if field.attname in wanted)


@functools.cache
def _nearest_sql(where: tuple[str, ...], by_article: bool, exact: bool, limit: int) -> str:
    # LIMIT is written into the statement (an int): with it as a parameter, a prepared statement's
    # generic plan assumes 10% of the table and PostgreSQL keeps re-planning every execution.
    claim, article, outlet, event = (_fields(model) for model in (Claim, Article, Outlet, Event))
    inner = ", ".join(f'c."{f.column}"' for f in claim)
    outer = ", ".join(["k.distance", *(f'k."{f.column}"' for f in claim), *(f'a."{f.column}"' for f in article),
                       *(f'o."{f.column}"' for f in outlet), *(f'e."{f.column}"' for f in event)])
    joins = (" JOIN comparer_article a ON a.id = c.article_id JOIN comparer_outlet o ON o.id = a.outlet_id"
             if by_article else "")
    distance = "(c.embedding <=> %s::vector) + 0.0" if exact else "c.embedding <=> %s::vector"
    return (f"SELECT {outer} FROM (SELECT {distance} AS distance, {inner} FROM comparer_claim c{joins} "
            f"WHERE {' AND '.join(['c.embedding IS NOT NULL', *where])} ORDER BY distance LIMIT {int(limit)}) k "
            "JOIN comparer_article a ON a.id = k.article_id JOIN comparer_outlet o ON o.id = a.outlet_id "
            "LEFT JOIN comparer_event e ON e.id = k.event_id ORDER BY k.distance, k.id")


def _nearest(vector, limit: int, where: list[str], params: list, by_article: bool = False) -> list[Claim]:
    """The ``limit`` claims nearest to ``vector`` that satisfy ``where`` (SQL over ``c``, the
    claim, and with ``by_article`` also ``a``, its article, and ``o``, its outlet), best first.

    One SQL statement: the kNN over the claim table (ordered by ``embedding <=> q``, so the HNSW
    index serves it; the claim's display columns come from the same rows), then the article,
    outlet and event of those rows joined by primary key. The query vector goes as a bound
    binary parameter (4 bytes a float) rather than ~7 kB of SQL text formatted in Python, and
    the models are built straight from the rows. bench/FINDINGS.md has the figures: the ORM
    version (kNN, then models with their joins) cost 5-7x the bare kNN query at 100k claims.

    The HNSW scan can come back short when the graph's nearest entries are dead tuples not yet
    vacuumed (bulk deletes, rolled-back loads), or when a filter leaves fewer rows than it
    visits; then the query is repeated as an exact scan (an ORDER BY expression the index
    cannot serve), so users still see the neighbours that exist. On a healthy table without a
    narrow filter the first query already returns ``limit`` rows.
    """
    rows = _run(_nearest_sql(tuple(where), by_article, False, limit), [BinaryVector(vector), *params])
    if len(rows) < limit:
        rows = _run(_nearest_sql(tuple(where), by_article, True, limit), [BinaryVector(vector), *params])
    return _instances(rows)


def _run(sql: str, params: list) -> list[tuple]:
    with server_bound_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _builder(model, alias: str):
    """A function making a model instance from database values of ``_fields(model)``, as
    ``Model.from_db`` would, without ``__init__``'s per-field work (the shortcut Django's own
    unpickling takes); fields not given are deferred. Models with pre_init/post_init receivers
    go through ``from_db``."""
    attnames = [f.attname for f in _fields(model)]
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return lambda values: model.from_db(alias, attnames, values)

    def build(values):
        instance = model.__new__(model)
        instance.__dict__.update(zip(attnames, values))
        state = instance._state = ModelState()
        state.adding, state.db = False, alias
        return instance
    return build


def _converter(field):
    """``field.from_db_value``, with a shortcut for plain JSON lists (``numbers``, ``dates`` and
    ``places`` are mostly ``[]``)."""
    if isinstance(field, JSONField) and field.decoder is None:
        return lambda value, expression, connection: (
            value if value is None else [] if value == "[]" else json.loads(value))
    return field.from_db_value


def _instances(rows: list[tuple]) -> list[Claim]:
    """Claims with their article, outlet and event from rows laid out as ``_nearest_sql``'s."""
    db = connection  # the proxy's attribute lookups are not free; resolve it once
    alias = db.alias
    parts, offset = [], 1
    for model in (Claim, Article, Outlet, Event):
        fields = _fields(model)
        converters = [(i, _converter(f)) for i, f in enumerate(fields) if hasattr(f, "from_db_value")]
        parts.append((offset, offset + len(fields), converters, _builder(model, alias)))
        offset += len(fields)
    (c0, c1, claim_converters, claim_of), (a0, a1, _, article_of), (o0, o1, _, outlet_of), \
        (e0, e1, _, event_of) = parts
    outlets, events, results = {}, {}, []
    for row in rows:
        values = list(row[c0:c1])
        for i, convert in claim_converters:
            values[i] = convert(values[i], None, db)
        claim = claim_of(values)
        article = article_of(row[a0:a1])
        outlet = outlets.get(row[o0])
        if outlet is None:
            outlet = outlets[row[o0]] = outlet_of(row[o0:o1])
        event = None
        if row[e0] is not None:
            event = events.get(row[e0])
            if event is None:
                event = events[row[e0]] = event_of(row[e0:e1])
        article._state.fields_cache["outlet"] = outlet
        claim._state.fields_cache["article"] = article
        claim._state.fields_cache["event"] = event
        claim.distance = row[0]
        results.append(claim)
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
