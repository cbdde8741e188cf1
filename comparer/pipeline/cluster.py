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
from django.db import connection
from django.db.models import F, Q
from pgvector.django import CosineDistance

from comparer.models import Article, Claim, ClaimCluster, Event
from comparer.pipeline import stories

EVENT_SIMILARITY = 0.72       # article-to-event cosine similarity needed to join an event
# The bars in the multilingual space (multilingual-e5-small), used when the article or the event
# is not in English. Its cosines are compressed, so they are set on the demo corpus with each
# article left out of the centroid it is compared with, English articles represented as analysis
# stores them (headline and lead: ``multilingual.ENGLISH_LEAD_POSITIONS``): the Russian and
# Ukrainian exchange samples score 0.938 and 0.922 against the English exchange event and at most
# 0.899 against the other two; English articles score 0.947-0.990 against their own event and at
# most 0.938 against another, the bar within one non-English language. A thin calibration (three
# events): English-English matching stays on MiniLM.
XEVENT_SIMILARITY = 0.91
XEVENT_SAME_LANGUAGE = 0.945
XCENTROID_ARTICLES = 20       # articles of an English event whose leads make its late multilingual centroid
ENGLISH = ("en", "")          # languages the English model's vectors are read for ("" = not known)
EVENT_WINDOW = timedelta(days=5)
EVENT_CANDIDATES = 10
REGROUP_UP_TO = 150           # events with at most this many free claims are regrouped whole (cheap)
REGROUP_SHARE = 0.25          # ... and so are events where new claims are at least this share of them
SYNDICATION_RATIO = 90        # rapidfuzz ratio above which two texts are copies of one another
PLACE_BONUS = 0.02            # per shared place or actor, capped at 3
EVENT_ENTITY_LIMIT = 200      # most frequent places and speakers kept on an event for that bonus
SYNDICATION_SIZE_MARGIN = 0.25  # byte-size window of possible originals (the text check is +-20% characters)
SYNDICATION_SENTENCES = 50    # sentences of the new article looked up by exact text hash
SYNDICATION_SEEDS = 2         # lead claims of the new article whose nearest claims point at candidates
SYNDICATION_NEIGHBOURS = 40   # nearest claims (and exact-sentence matches) looked at per lookup
SYNDICATION_CANDIDATES = 20   # articles whose text is then compared (twice this with claim vectors)
REFRESH_IN_FULL_UNDER = 300   # claims: smaller events are refreshed in full after every article
REFRESH_GROWTH = 0.05         # ... larger ones when they have grown by this share since the last time


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


def article_xvector(claims: list[Claim]) -> np.ndarray | None:
    """``article_vector`` over the claims' multilingual vectors (``Claim.xvector``)."""
    weighted = []
    for claim in claims:
        if getattr(claim, "xvector", None) is None:
            continue
        weight = 2.0 if claim.is_headline else (1.5 if claim.position == 1 else 1.0)
        weighted.append(np.asarray(claim.xvector, dtype=np.float32) * weight)
    return unit(np.sum(weighted, axis=0)) if weighted else None


def _score_candidates(article: Article, claims: list[Claim], by_english: list[Event],
                      by_multilingual: list[Event]) -> Event | None:
    """The best event among the nearest ones, or ``None`` if none clears its bar.

    An English article is measured against an event that has English articles with the English
    model (``distance``, bar ``EVENT_SIMILARITY``), exactly as before any other language existed;
    any other pairing (a Russian article, or an event of Russian articles only) with the
    multilingual vectors (``xdistance``, bar ``XEVENT_SIMILARITY``). Each score is read as its margin
    over its own bar, so the two scales never compete raw.
    """
    candidates = {event.id: event for event in by_english + by_multilingual}
    if not candidates:
        return None
    english_article = (article.language or "") in ENGLISH
    scored = []
    for event in candidates.values():
        languages = set(event.languages)
        has_english = bool((languages or {""}) & set(ENGLISH))
        if english_article and has_english:
            if event not in by_english:
                continue   # found only by the multilingual query: the English model ranks English pairs
            scored.append((event, 1 - event.distance, EVENT_SIMILARITY))
        elif event.xdistance is not None:
            same_language = languages == {article.language or ""}
            scored.append((event, 1 - event.xdistance, XEVENT_SAME_LANGUAGE if same_language else XEVENT_SIMILARITY))
    scored = [(event, score, bar) for event, score, bar in scored if score + 3 * PLACE_BONUS >= bar]
    if not scored:
        return None
    mine = _entities(claims)
    best, best_margin, best_score = None, -1.0, None
    for event, score, bar in scored:
        # Lower-cased here, as ``_entities`` does: the database's lower() follows its locale.
        shared = len(mine & {name.lower() for name in event.entities})
        margin = score + PLACE_BONUS * min(shared, 3) - bar
        if margin > best_margin:
            best, best_margin, best_score = event, margin, (score if bar == EVENT_SIMILARITY else None)
    if best is None or best_margin < 0:
        return None
    # The English model's similarity, the scale ``stories.SAME_HAPPENING`` was measured on; a match
    # in the multilingual space carries none, so past its span it opens the story's next part.
    best.english_similarity = best_score
    return best


def _entities(claims) -> set[str]:
    found: set[str] = set()
    for claim in claims:
        found.update(place.lower() for place in claim.places or [])
        if claim.speaker_normalized:
            found.add(claim.speaker_normalized.lower())
    return found


def _syndication_pool(article: Article):
    """Articles that could be the original of ``article``: earlier (or undated), from another
    outlet, not copies themselves, and of a similar size (``octet_length`` reads the stored size of
    a long text without decompressing it)."""
    from django.db.models import Func, IntegerField

    window = Q()
    if article.published_at:
        window = Q(published_at__gte=article.published_at - EVENT_WINDOW,
                   published_at__lte=article.published_at + timedelta(hours=1))
    size = len(article.text.encode("utf-8"))
    margin = SYNDICATION_SIZE_MARGIN * max(size, 1)
    return (Article.objects.filter(window).exclude(id=article.id).exclude(outlet_id=article.outlet_id)
            .filter(syndicated_copy_of__isnull=True)
            .annotate(size=Func("text", function="octet_length", output_field=IntegerField()))
            .filter(size__gte=size - margin, size__lte=size + margin))


# The candidates of ``syndication_candidates`` in one statement (it ran as five ORM queries, whose
# compilation cost more than the database's work): articles holding one of the new article's exact
# sentences (at most ``SYNDICATION_NEIGHBOURS`` holders per sentence, read from the text-hash
# index), then those holding the claims nearest (HNSW) to its lead sentences; only these few ids
# are checked against the pool of possible originals (``_syndication_pool``, inlined so its
# conditions are tested per candidate by primary key). Starting from the pool instead meant
# reading every article of the time window for every new article: 34 ms an article in a
# 10,000-article story. The nearest claims are materialised once: otherwise the planner repeats
# the index searches for every candidate.
_SYNDICATION_CANDIDATES_SQL = """
WITH pool AS NOT MATERIALIZED ({pool}), sharing AS MATERIALIZED (
    SELECT DISTINCT holder.article_id AS id FROM unnest(%s::varchar[]) AS sentence(text_hash)
    CROSS JOIN LATERAL (
        SELECT claim.article_id FROM comparer_claim AS claim
        WHERE claim.text_hash = sentence.text_hash AND claim.article_id <> %s
        LIMIT %s
    ) AS holder
), exact AS (
    SELECT pool.id FROM pool WHERE pool.id IN (SELECT id FROM sharing)
    LIMIT %s
), nearby AS MATERIALIZED ({nearby}), near_pool AS (
    SELECT pool.id, pool.published_at FROM pool WHERE pool.id IN (SELECT id FROM nearby)
    ORDER BY pool.published_at, pool.id LIMIT %s
)
SELECT id FROM (
    SELECT id, 0 AS step, NULL::timestamptz AS published_at FROM exact
    UNION ALL SELECT id, 1, published_at FROM near_pool
) AS found ORDER BY step, published_at, id
"""
_NEAREST_CLAIMS_SQL = """
    SELECT near.article_id AS id FROM (VALUES {seeds}) AS seed(vector)
    CROSS JOIN LATERAL (
        SELECT claim.article_id FROM comparer_claim AS claim WHERE claim.article_id <> %s
        ORDER BY claim.embedding <=> seed.vector LIMIT %s
    ) AS near"""


def syndication_candidates(article: Article, claims: list[Claim] | None = None) -> list[int]:
    """Ids of the few articles worth comparing text with, found without reading any text.

    Copies share sentences: articles holding one of ``claims``' exact sentences (indexed text
    hash) and the articles of the claims nearest (pgvector HNSW) to the article's lead sentences,
    kept if they are in the pool of ``_syndication_pool`` (a near-identical copy has them both).
    Only without claim vectors, the pool's articles closest in size.
    """
    from comparer.pipeline import embed

    claims = [c for c in (claims or []) if c.text]
    hashes = list(dict.fromkeys(c.text_hash for c in claims if c.text_hash))[:SYNDICATION_SENTENCES]
    # The lead sentences, not the headline: a copy keeps the body and often retitles it.
    seeds = [c for c in sorted(claims, key=lambda c: (c.is_headline, c.position))
             if c.embedding is not None][:SYNDICATION_SEEDS]
    pool = _syndication_pool(article)
    pool_sql, pool_params = pool.order_by().values("id", "published_at").query.sql_with_params()
    if seeds:
        nearby = _NEAREST_CLAIMS_SQL.replace("{seeds}", ", ".join(["(%s::vector)"] * len(seeds)))
        nearby_params = [embed.BinaryVector(c.embedding) for c in seeds] + [article.id, SYNDICATION_NEIGHBOURS]
    else:
        nearby, nearby_params = "SELECT NULL::bigint AS id WHERE false", []
    sql = _SYNDICATION_CANDIDATES_SQL.replace("{pool}", pool_sql).replace("{nearby}", nearby)
    params = [*pool_params, hashes, article.id, SYNDICATION_NEIGHBOURS, SYNDICATION_CANDIDATES, *nearby_params,
              SYNDICATION_CANDIDATES]
    with embed.server_bound_cursor() as cursor:
        cursor.execute(sql, params)
        found = dict.fromkeys(article_id for (article_id,) in cursor.fetchall())
    if not seeds:
        from django.db.models.functions import Abs

        size = len(article.text.encode("utf-8"))
        found.update(dict.fromkeys(pool.annotate(gap=Abs(F("size") - size)).order_by("gap", "id")
                                   .values_list("id", flat=True)[:SYNDICATION_CANDIDATES]))
    return list(found)


def find_syndication_source(article: Article, claims: list[Claim] | None = None) -> Article | None:
    """The earliest article from another outlet whose text is a near-identical copy of this one.

    Only the handful of ``syndication_candidates`` have their text read and compared (rapidfuzz).
    """
    from rapidfuzz import fuzz

    ids = syndication_candidates(article, claims)
    if not ids:
        return None
    length = len(article.text)
    matches = []
    for candidate in Article.objects.filter(id__in=ids).only("id", "text", "published_at", "event_id"):
        if abs(len(candidate.text) - length) > 0.2 * max(length, 1):
            continue
        if candidate.published_at and article.published_at and candidate.published_at > article.published_at:
            continue
        if fuzz.ratio(candidate.text, article.text, score_cutoff=SYNDICATION_RATIO):
            matches.append(candidate)
    if not matches:
        return None
    return min(matches, key=lambda a: (a.published_at is None, a.published_at, a.id))


def assign_event(article: Article, claims: list[Claim]) -> Event:
    """Put an article into the best-matching event, or open a new one, and refresh that event."""
    event, _ = choose_event(article, claims)
    refresh_event(event)
    return event


def choose_event(article: Article, claims: list[Claim]) -> tuple[Event, bool]:
    """Put an article into the best-matching event, or open a new one; the event is not refreshed.
    Returns the event and whether this article opened it.

    Reads only ``claims`` in memory, so the caller may store them (with their event) after
    this and refresh the event then (``run.analyze`` inserts new claims once, event included).
    """
    if not article.syndication_locked:
        # Detected even when a curator pinned the event: a full re-run resets machine
        # syndication links and must find them again, without moving the article.
        article.syndicated_copy_of = find_syndication_source(article, claims)
    if article.event_locked and article.event_id:
        article.save(update_fields=["syndicated_copy_of"])
        return article.event, False
    if not article.syndication_locked:
        source = article.syndicated_copy_of
        if source is not None and source.event_id:
            article.event_id = source.event_id
            article.save(update_fields=["syndicated_copy_of", "event"])
            return article.event, False
    vector = article_vector(claims)
    xvector = article_xvector(claims)
    event = None
    if vector is not None or xvector is not None:
        candidates = Event.objects.all()
        if article.published_at:
            candidates = candidates.filter(
                Q(first_seen__isnull=True)
                | Q(first_seen__lte=article.published_at + EVENT_WINDOW,
                    last_seen__gte=article.published_at - EVENT_WINDOW))
        candidates = candidates.defer("centroid", "xcentroid")
        if (article.language or "") not in ENGLISH:
            give_xcentroids(candidates)
        nearest, xnearest = [], []
        if vector is not None:
            found = candidates.filter(centroid__isnull=False).annotate(distance=CosineDistance("centroid", vector))
            if xvector is not None:
                found = found.annotate(xdistance=CosineDistance("xcentroid", xvector))
            nearest = list(found.order_by("distance")[:EVENT_CANDIDATES])
            for candidate in nearest:
                candidate.xdistance = getattr(candidate, "xdistance", None)
        if xvector is not None:
            # The nearest events in the multilingual space: how a report in another language finds them.
            found = candidates.filter(xcentroid__isnull=False).annotate(xdistance=CosineDistance("xcentroid", xvector))
            if vector is not None:
                found = found.annotate(distance=CosineDistance("centroid", vector))
            xnearest = list(found.order_by("xdistance")[:EVENT_CANDIDATES])
        event = _score_candidates(article, claims, nearest, xnearest)
    story = None
    if event is not None:
        # A running story: the matched event may be past its span or full (``stories``).
        event, story = stories.place(article, event, getattr(event, "english_similarity", None))
    opened = event is None
    if opened:
        event = Event.objects.create(title=article.title[:500], first_seen=article.published_at,
                                     last_seen=article.published_at, story=story)
    article.event = event
    article.save(update_fields=["syndicated_copy_of", "event"])
    return event, opened


# Headlines count twice, as in the English centroid.
_XCENTROID = ("l2_normalize(COALESCE(sum(claim.xvector) + sum(claim.xvector) FILTER (WHERE claim.is_headline), "
              "sum(claim.xvector)))")
_SET_XCENTROIDS_SQL = """
UPDATE comparer_event AS event SET xcentroid = claims.xcentroid
FROM (SELECT article.event_id, """ + _XCENTROID + """ AS xcentroid
      FROM comparer_claim AS claim JOIN comparer_article AS article ON article.id = claim.article_id
      WHERE article.event_id = ANY(%(events)s) AND claim.xvector IS NOT NULL
      GROUP BY article.event_id) AS claims
WHERE event.id = claims.event_id
"""

# An event's most frequent places and speakers: a running story's event of 2,000 claims names a few
# dozen, and matching needs only the frequent ones (``PLACE_BONUS`` counts at most 3 shared).
_EVENT_ENTITIES_SQL = """
SELECT name FROM (
    SELECT place.name
      FROM comparer_claim AS claim
     CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(claim.places) = 'array'
                                                       THEN claim.places ELSE '[]'::jsonb END) AS place(name)
     WHERE claim.event_id = %(event)s
    UNION ALL
    SELECT speaker_normalized FROM comparer_claim WHERE event_id = %(event)s AND speaker_normalized <> ''
) AS named
GROUP BY name ORDER BY count(*) DESC, name LIMIT %(entity_limit)s
"""

# What both refreshes read from the event's articles alone: its title (unless curated), time span,
# outlets and languages.
_EVENT_ARTICLE_FIELDS_SQL = """
    first_seen = articles.first_seen,
    last_seen = articles.last_seen,
    outlet_count = articles.outlets,
    languages = articles.languages,
    title = CASE WHEN articles.total > 0 AND NOT event.locked AND NOT event.reviewed THEN (
        SELECT LEFT(title, 500) FROM comparer_article WHERE event_id = event.id
        ORDER BY published_at ASC NULLS LAST, id LIMIT 1) ELSE event.title END,
    updated_at = %(now)s
FROM (SELECT count(*) AS total, min(published_at) AS first_seen, max(published_at) AS last_seen,
             count(DISTINCT outlet_id) AS outlets,
             COALESCE(array_agg(DISTINCT language), '{}') AS languages
      FROM comparer_article WHERE event_id = %(event)s) AS articles"""

# One statement, so refreshing costs one round trip and no vector travels to Python to be summed.
# Headlines count twice in the centroid: SUM(all) + SUM(headlines), normalised by pgvector.
_REFRESH_EVENT_SQL = """
UPDATE comparer_event AS event SET
    centroid = claims.centroid,
    xcentroid = claims.xcentroid,
    claim_count = claims.total,
    agree_count = relations.agree,
    contradict_count = relations.contradict,
    entities = ARRAY(""" + _EVENT_ENTITIES_SQL + """),""" + _EVENT_ARTICLE_FIELDS_SQL + """,
     (SELECT count(claim.id) AS total,
             -- The English model's centroid over the English (or unknown-language) claims when
             -- there are any: its vectors of Russian text say little. Otherwise over all claims.
             COALESCE(
                 l2_normalize(COALESCE(
                     sum(claim.embedding) FILTER (WHERE article.language IN ('en', ''))
                     + sum(claim.embedding) FILTER (WHERE article.language IN ('en', '') AND claim.is_headline),
                     sum(claim.embedding) FILTER (WHERE article.language IN ('en', '')))),
                 l2_normalize(COALESCE(sum(claim.embedding) + sum(claim.embedding) FILTER (WHERE claim.is_headline),
                                       sum(claim.embedding)))) AS centroid,
             """ + _XCENTROID + """ AS xcentroid
      FROM comparer_claim AS claim JOIN comparer_article AS article ON article.id = claim.article_id
      WHERE article.event_id = %(event)s) AS claims,
     (SELECT count(*) FILTER (WHERE label = 'agree') AS agree,
             count(*) FILTER (WHERE label = 'contradict') AS contradict
      FROM comparer_claimrelation WHERE event_id = %(event)s) AS relations
WHERE event.id = %(event)s
RETURNING event.title, event.first_seen, event.last_seen, event.outlet_count, event.claim_count,
          event.agree_count, event.contradict_count, event.updated_at, event.languages, event.entities,
          vector_send(event.centroid)
"""


def refresh_event(event: Event) -> None:
    """Recompute the event centroid, time span, counters and (unless curated) title from its
    articles, claims and relations, in the database, and set them on ``event`` too."""
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_EVENT_SQL, {"event": event.id, "now": timezone.now(),
                                            "entity_limit": EVENT_ENTITY_LIMIT})
        row = cursor.fetchone()
    if row is None:  # deleted meanwhile
        return
    (event.title, event.first_seen, event.last_seen, event.outlet_count, event.claim_count, event.agree_count,
     event.contradict_count, event.updated_at, event.languages, event.entities, centroid) = row
    event.centroid = None if centroid is None else np.frombuffer(bytes(centroid), dtype=">f4", offset=4).astype(np.float32)


# The parts of an event ``refresh_event`` reads from its articles alone, cheap at any size (one
# index scan of ~500 rows for the largest event of a 10,000-article burst).
_REFRESH_EVENT_ARTICLES_SQL = """
UPDATE comparer_event AS event SET
    claim_count = (SELECT count(*) FROM comparer_claim AS claim
                   JOIN comparer_article AS article ON article.id = claim.article_id
                   WHERE article.event_id = %(event)s),""" + _EVENT_ARTICLE_FIELDS_SQL + """
WHERE event.id = %(event)s
RETURNING event.title, event.first_seen, event.last_seen, event.outlet_count, event.claim_count,
          event.updated_at, event.languages
"""


def refresh_event_while_placing(event: Event, sizes_at_full_refresh: dict[int, int]) -> bool:
    """Refresh ``event`` after an article joined it, during one analysis run; True if in full.

    ``refresh_event`` sums every claim vector of the event and counts its places and speakers:
    10-20 ms an article once an event holds thousands of claims, so a burst's per-article cost
    would grow with its story. An event of at least ``REFRESH_IN_FULL_UNDER`` claims is
    refreshed in full only when its claims have grown by ``REFRESH_GROWTH`` since its last full
    refresh of this run (``sizes_at_full_refresh``, by event id, kept by the caller); in between
    only what comes from its articles (claim count, time span, outlets, languages, title) is
    recomputed, exactly, and its centroid and entities are those of at most 5% fewer claims,
    which moves neither noticeably. The run refreshes every event it touched in full at its end.
    """
    from django.utils import timezone

    last_full = sizes_at_full_refresh.get(event.id)
    if last_full is not None and last_full >= REFRESH_IN_FULL_UNDER:
        with connection.cursor() as cursor:
            cursor.execute(_REFRESH_EVENT_ARTICLES_SQL, {"event": event.id, "now": timezone.now()})
            row = cursor.fetchone()
        if row is None:  # deleted meanwhile
            return False
        if row[4] < last_full * (1 + REFRESH_GROWTH):
            (event.title, event.first_seen, event.last_seen, event.outlet_count, event.claim_count,
             event.updated_at, event.languages) = row
            return False
    refresh_event(event)
    sizes_at_full_refresh[event.id] = event.claim_count
    return True


def cluster_claims(event: Event, regroup: bool = False) -> int:
    """Group the event's claims into propositions (``propositions.group_propositions``).

    Claims a curator placed (``cluster_locked``) and members of locked clusters stay where they
    are, and no machine claim is ever added to a locked cluster. The other ("free") claims are
    handled in one of two ways:

    - attach (the usual case for a growing event): each claim not in a cluster yet joins the
      unlocked cluster whose members it is most similar to on average (the average-linkage
      criterion, computed from cluster sums: new claims x clusters, not all pairs), if that
      reaches ``SAME_PROPOSITION``; the claims left over are grouped among themselves into new
      clusters. Existing clusters keep their members.
    - regroup: every free claim of the event is grouped afresh, reusing the existing cluster rows
      where the membership carries over so cluster ids stay stable across runs. Done when
      ``regroup`` is asked for, when the event is small (``REGROUP_UP_TO`` free claims: cheap), or
      when the new claims are a large share of it (``REGROUP_SHARE``), i.e. when earlier
      clusters were formed on too little of it.

    Cost is bounded by the size of one event, never the archive. Returns how many claims moved.
    """
    if not regroup and not (Claim.objects.filter(event=event, embedding__isnull=False)
                            .filter(Q(cluster__isnull=True) | ~Q(cluster__event=event)).exists()):
        return 0  # every claim already has a cluster of this event (stored with it, or placed before)
    claims = _event_claims(event)
    free = [c for c in claims if not c.cluster_locked and not (c.cluster is not None and c.cluster.locked)]
    if not free:
        return 0
    new = [c for c in free if c.cluster_id is None or c.cluster.event_id != event.id]
    if not new and not regroup:
        return 0
    placed = [c for c in claims if c.cluster_id is not None and c.cluster.event_id == event.id
              and not c.cluster.locked]
    # Attaching reads the English model's vectors only; claims in other languages are placed by
    # regrouping (``_propositions`` joins them across languages).
    other_language = any((c.language or "") not in ENGLISH for c in new)
    if (regroup or not placed or len(free) <= REGROUP_UP_TO or other_language
            or len(new) >= REGROUP_SHARE * len(free)):
        return _regroup_claims(event, free)
    return _attach_claims(event, placed, new)


def _event_claims(event: Event) -> list[Claim]:
    """The event's claims with a vector (read in binary), their cluster, in reading order;
    cluster centroids are not read."""
    from comparer.pipeline import embed

    return embed.with_vectors(Claim.objects.filter(event=event, embedding__isnull=False)
                              .select_related("cluster").defer("cluster__centroid", "xvector")
                              .order_by("article__published_at", "article_id", "position"))


def _next_position(event: Event) -> int:
    from django.db.models import Max

    last = ClaimCluster.objects.filter(event=event).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _attach_claims(event: Event, placed: list[Claim], new: list[Claim]) -> int:
    """Put each new claim into the unlocked cluster it is most similar to on average, if similar
    enough; group the rest among themselves into new clusters."""
    from scipy import sparse

    from comparer.pipeline import propositions

    analyzer = propositions.default_analyzer()
    weight, threshold = propositions.EMBEDDING_WEIGHT, propositions.SAME_PROPOSITION
    everyone = placed + new
    vectors = propositions.unit_rows(np.stack([np.asarray(c.embedding, dtype=np.float32) for c in everyone]))
    words = propositions.lexical_vectors([c.text for c in everyone], analyzer)
    cluster_ids = sorted({c.cluster_id for c in placed})
    column = {cluster_id: i for i, cluster_id in enumerate(cluster_ids)}
    membership = sparse.csr_matrix((np.ones(len(placed), dtype=np.float32),
                                    ([column[c.cluster_id] for c in placed], np.arange(len(placed)))),
                                   shape=(len(cluster_ids), len(everyone)))
    sizes = np.asarray(membership.sum(axis=1)).ravel()
    vector_sums = membership @ vectors
    word_sums = membership @ words
    rows = slice(len(placed), len(everyone))
    mean = (weight * (vectors[rows] @ vector_sums.T)
            + (1 - weight) * (words[rows] @ word_sums.T).toarray()) / sizes[None, :]
    best = mean.argmax(axis=1)
    clusters = {c.id: c for c in ClaimCluster.objects.filter(id__in=cluster_ids).defer("centroid")}
    changed: list[Claim] = []
    leftover: list[Claim] = []
    for claim, index, row in zip(new, best, mean):
        if row[index] >= threshold:
            claim.cluster = clusters[cluster_ids[index]]
            changed.append(claim)
        else:
            leftover.append(claim)
    for cluster_id in {c.cluster_id for c in changed}:
        members = [i for i, c in enumerate(placed) if c.cluster_id == cluster_id]
        members += [len(placed) + i for i, c in enumerate(new) if c.cluster_id == cluster_id]
        clusters[cluster_id].centroid = unit(vectors[members].mean(axis=0))
    ClaimCluster.objects.bulk_update([clusters[i] for i in {c.cluster_id for c in changed}], ["centroid"],
                                     batch_size=500)
    if leftover:
        fresh = _propositions(leftover, analyzer)
        next_position = _next_position(event)
        changed += _create_clusters([(_new_cluster(event, group_claims, next_position + offset), group_claims)
                                     for offset, group_claims in enumerate(fresh.values())])
    _save_clusters(changed)
    return len(changed)


def group_opening_claims(event: Event, claims: list[Claim]) -> None:
    """Group the claims of the article that opened ``event`` into new claim clusters before the
    claims are stored, so each claim is written once, cluster included (a later change of
    ``cluster_id`` rewrites the row in every index, the vector index too).

    The partition is the one ``cluster_claims`` would make of the event at this point; when more
    articles join, ``cluster_claims`` regroups or attaches as usual.
    """
    grouped = [c for c in claims if c.embedding is not None]
    if grouped:
        _create_clusters([(_new_cluster(event, group_claims, position), group_claims)
                          for position, group_claims in enumerate(_propositions(grouped).values())])


def _propositions(claims: list[Claim], analyzer=None) -> dict[int, list[Claim]]:
    """The claims (all with vectors) grouped by proposition, groups in order of first appearance.

    English claims (and those of unknown language) are grouped with the English model as always;
    claims in other languages then join across languages (``_cross_language_groups``).
    """
    from comparer.pipeline.propositions import group_propositions

    english = [c for c in claims if (getattr(c, "language", "") or "") in ENGLISH]
    others = [c for c in claims if (getattr(c, "language", "") or "") not in ENGLISH]
    members: dict[int, list[Claim]] = {}
    if english:
        groups = group_propositions([c.text for c in english], np.stack([unit(c.embedding) for c in english]),
                                    analyzer)
        for claim, group in zip(english, groups):
            members.setdefault(group, []).append(claim)
    if others:
        members = _cross_language_groups(claims, list(members.values()), others)
    return members


# Mean multilingual cosine to a group's members needed for a claim in another language to join it.
# On XNLI dev (en-ru, first 400 premises) 0.85 keeps 99.8% of true translations and 44% of each
# premise's nearest non-translation at 0.84, 8% at 0.86; the hand-made Ukrainian sentences,
# translated more freely, keep 95% at 0.84 and 78% at 0.86.
XSAME_PROPOSITION = 0.85


def _cross_language_groups(claims: list[Claim], groups: list[list[Claim]], others: list[Claim]) -> dict[int, list[Claim]]:
    """Claims in a language the English model does not read join the group (of English claims)
    whose members their multilingual vectors are closest to on average, if that reaches
    ``XSAME_PROPOSITION``; the rest are grouped among themselves on those vectors
    (average linkage, same bar). Groups are renumbered in the order of ``claims``."""
    from comparer.pipeline.propositions import group_propositions

    load_xvectors(claims)
    leftover = [c for c in others if c.xvector is None]
    others = [c for c in others if c.xvector is not None]
    groups = [list(g) for g in groups]
    # Per group, the sum and count of its members' multilingual vectors: a claim that joins counts
    # for the next one (a Ukrainian sentence joins the group its Russian twin just joined).
    sums = {index: (np.sum([unit(c.xvector) for c in g if c.xvector is not None], axis=0),
                    sum(c.xvector is not None for c in g))
            for index, g in enumerate(groups) if any(c.xvector is not None for c in g)}
    free: list[Claim] = []
    for claim in others:
        vector = unit(claim.xvector)
        best, best_score = None, XSAME_PROPOSITION
        for index, (total, count) in sums.items():
            score = float(total @ vector) / count
            if score >= best_score:
                best, best_score = index, score
        if best is None:
            free.append(claim)
        else:
            groups[best].append(claim)
            total, count = sums[best]
            sums[best] = (total + vector, count + 1)
    if free:
        numbers = group_propositions([c.text for c in free], np.stack([unit(c.xvector) for c in free]),
                                     threshold=XSAME_PROPOSITION, embedding_weight=1.0)
        fresh: dict[int, list[Claim]] = {}
        for claim, number in zip(free, numbers):
            fresh.setdefault(number, []).append(claim)
        groups += list(fresh.values())
    groups += [[claim] for claim in leftover]
    order = {id(claim): position for position, claim in enumerate(claims)}
    groups.sort(key=lambda g: min(order[id(c)] for c in g))
    return {number: sorted(g, key=lambda c: order[id(c)]) for number, g in enumerate(groups)}


def give_xcentroids(events) -> int:
    """Give the English events among ``events`` that have no multilingual centroid one, from the
    lead claims (``multilingual.ENGLISH_LEAD_POSITIONS``) of up to ``XCENTROID_ARTICLES`` articles
    each, the earliest. Analysis of an English-only corpus encodes no multilingual vector; this is
    how the first article in another language still finds their events. Returns the events given one."""
    from comparer.pipeline import multilingual

    lacking = list(events.filter(centroid__isnull=False, xcentroid__isnull=True).values_list("id", flat=True))
    if not lacking:
        return 0
    sampled: dict[int, list[int]] = {}
    for event_id, article_id in (Article.objects.filter(event_id__in=lacking)
                                 .order_by("event_id", F("published_at").asc(nulls_last=True), "id")
                                 .values_list("event_id", "id")):
        chosen = sampled.setdefault(event_id, [])
        if len(chosen) < XCENTROID_ARTICLES:
            chosen.append(article_id)
    leads = list(Claim.objects.filter(article_id__in=[a for ids in sampled.values() for a in ids],
                                      position__lte=multilingual.ENGLISH_LEAD_POSITIONS, xvector__isnull=True)
                 .only("id", "text", "position", "is_headline", "language"))
    if leads:
        multilingual.fill_xvectors(leads)
        store_xvectors(leads)
    with connection.cursor() as cursor:
        cursor.execute(_SET_XCENTROIDS_SQL, {"events": lacking})
        return cursor.rowcount


def load_xvectors(claims: list[Claim]) -> None:
    """Give every claim its multilingual vector: read (in binary) for stored claims loaded without
    it, and encoded and stored for those that have none yet (English claims past the lead, which
    analysis leaves until their event holds another language: ``multilingual.ENGLISH_LEAD_POSITIONS``)."""
    from django.db.models import BinaryField, F, Func

    from comparer.pipeline import multilingual

    missing = [c for c in claims if c.pk is not None and "xvector" in c.get_deferred_fields()]
    if missing:
        found = dict(Claim.objects.filter(id__in=[c.pk for c in missing], xvector__isnull=False)
                     .annotate(vector_bytes=Func(F("xvector"), function="vector_send", output_field=BinaryField()))
                     .values_list("id", "vector_bytes"))
        for claim in missing:
            raw = found.get(claim.pk)
            claim.xvector = (None if raw is None
                             else np.frombuffer(bytes(raw), dtype=">f4", offset=4).astype(np.float32))
    unencoded = [c for c in claims if c.xvector is None]
    if unencoded:
        multilingual.fill_xvectors(unencoded)
        stored = [c for c in unencoded if c.pk is not None and not c._state.adding]
        if stored:
            store_xvectors(stored)


def store_xvectors(claims: list[Claim]) -> None:
    """Write the claims' multilingual vectors, bound in binary, in one statement."""
    from comparer.pipeline import embed

    with embed.server_bound_cursor() as cursor:
        cursor.executemany("UPDATE comparer_claim SET xvector = %s::vector WHERE id = %s",
                           [(embed.BinaryVector(c.xvector), c.id) for c in claims])


def _new_cluster(event: Event, group_claims: list[Claim], position: int) -> ClaimCluster:
    centroid = unit(np.mean([unit(c.embedding) for c in group_claims], axis=0))
    return ClaimCluster(event=event, label=group_claims[0].text, centroid=centroid, position=position)


def _create_clusters(new: list[tuple[ClaimCluster, list[Claim]]]) -> list[Claim]:
    """Insert the new clusters (centroids bound in binary) and point their claims at them;
    returns the claims to save."""
    from comparer.pipeline import embed

    embed.insert_rows([cluster for cluster, _ in new])
    changed = []
    for cluster, group_claims in new:
        for claim in group_claims:
            claim.cluster = cluster
            changed.append(claim)
    return changed


def _save_clusters(claims: list[Claim]) -> None:
    """Write each claim's ``cluster_id`` in one statement (``bulk_update`` builds a CASE over
    every id, several times slower at a few hundred claims)."""
    if not claims:
        return
    with connection.cursor() as cursor:
        cursor.execute("UPDATE comparer_claim AS claim SET cluster_id = moved.cluster_id "
                       "FROM unnest(%s::bigint[], %s::bigint[]) AS moved(id, cluster_id) WHERE claim.id = moved.id",
                       [[c.id for c in claims], [c.cluster_id for c in claims]])


def _regroup_claims(event: Event, free: list[Claim]) -> int:
    """Regroup every free claim of the event, reusing cluster rows where membership carries over."""
    from collections import Counter

    members = _propositions(free)
    existing = list(ClaimCluster.objects.filter(event=event).defer("centroid"))
    reusable = {c.id: c for c in existing if not c.locked}
    taken: set[int] = set()
    next_position = max((c.position for c in existing), default=-1) + 1
    kept: list[ClaimCluster] = []
    new: list[tuple[ClaimCluster, list[Claim]]] = []
    changed: list[Claim] = []
    for group, group_claims in members.items():
        previous = Counter(c.cluster_id for c in group_claims if c.cluster_id in reusable and c.cluster_id not in taken)
        if previous:
            cluster = reusable[previous.most_common(1)[0][0]]
            cluster.centroid = unit(np.mean([unit(c.embedding) for c in group_claims], axis=0))
            cluster.label = group_claims[0].text
            kept.append(cluster)
            taken.add(cluster.id)
            for claim in group_claims:
                if claim.cluster_id != cluster.id:
                    claim.cluster = cluster
                    changed.append(claim)
        else:
            new.append((_new_cluster(event, group_claims, next_position), group_claims))
            next_position += 1
    ClaimCluster.objects.bulk_update(kept, ["centroid", "label"], batch_size=500)
    changed += _create_clusters(new)
    _save_clusters(changed)
    if len(taken) < len(reusable):  # some earlier cluster may have lost all its claims
        ClaimCluster.objects.filter(event=event, locked=False, claims__isnull=True).delete()
    return len(changed)
