"""Server times as the archive grows: event page, claims API list, semantic search, adding one
article, and HNSW recall@10 against exact search.

    .venv/bin/python bench/scale.py [--quick] [--sizes 10000,100000] [--rebuild] [--samples N] [--database NAME]

Data: real FNC-1 article bodies (../shared/data/fnc1/train_bodies.csv), split into claims by
the pipeline, encoded once (cached under var/bench/). Bodies linked through FNC-1's related
headline/body pairs form events (at most 8 articles each, 12 outlets in turn), each article
titled with one of its real related headlines; claim clusters, relations and counters come
from the pipeline's own ``cluster_claims``, ``relate_event`` and ``refresh_event``. FNC-1 has
about 31k claim sentences, so sizes above that repeat the corpus as later rounds: each round
copies every event (same texts and decisions, new rows, dates 45 days later), which keeps the
distribution of event sizes while the archive grows, as a real archive does.

Everything is written to its own database, ``comparer_bench_scale``, on the same server; the
tables grow from one size to the next (``--rebuild`` starts again from empty).
Server time is measured in-process around Django's test client (routing, middleware, queries,
templates; no network). Adding one article is timed with its sentence vectors already in the
embedding cache, because encoding costs the same at any size.
"""
from __future__ import annotations

import argparse
import random
from dataclasses import replace
import time
from collections import defaultdict

import numpy as np

from common import (Timer, bench_vectors, body_claim_drafts, fnc1_bodies, fnc1_stances, log, machine,
                    percentile, prime_embedding_cache, setup_django, summary_ms)

DB_NAME = "comparer_bench_scale"
EVENT_MAX_ARTICLES = 8
OUTLETS = 12
ROUND_SHIFT = 10_000_000   # row ids of round r are the base ids + r * ROUND_SHIFT
ROUND_DAYS = 45
HELD_OUT = 5
SEED = 7


# --- corpus --------------------------------------------------------------------------------

def plan_events(bodies: dict[int, str], stances: list[dict]
                ) -> tuple[list[list[int]], dict[int, str], list[tuple[int, int]]]:
    """Events as lists of body ids, a real headline per body, and (held-out body, a story-mate)."""
    parent = {body_id: body_id for body_id in bodies}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_body_of_headline: dict[str, int] = {}
    headline_of: dict[int, str] = {}
    for row in stances:
        if row["Stance"] == "unrelated":
            continue
        body_id, headline = int(row["Body ID"]), row["Headline"].strip()
        headline_of.setdefault(body_id, headline)
        if headline in first_body_of_headline:
            a, b = find(body_id), find(first_body_of_headline[headline])
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_body_of_headline[headline] = body_id
    groups: dict[int, list[int]] = defaultdict(list)
    for body_id in sorted(bodies):
        groups[find(body_id)].append(body_id)
    rng = random.Random(SEED)
    components = list(groups.values())
    rng.shuffle(components)
    # Held out: one body of each of the first big stories, added later next to its story-mates.
    held_out = [(component.pop(), component[0]) for component in components if len(component) >= 4][:HELD_OUT]
    events = [component[i:i + EVENT_MAX_ARTICLES] for component in components
              for i in range(0, len(component), EVENT_MAX_ARTICLES)]
    return events, headline_of, held_out


def article_input(body_id: int, text: str, title: str, index: int, when):
    from comparer.pipeline.ingest import ArticleInput, OutletInput

    return ArticleInput(outlet=OutletInput(name=f"Bench outlet {index % OUTLETS:02d}", is_sample=True),
                        title=title, text=text, published_at=when, source_format="csv",
                        source_name="fnc1/train_bodies.csv", metadata={"dataset_id": str(body_id)})


def load_base_events(events: list[list[int]], bodies, titles, drafts, vectors, start_index: int) -> None:
    """Round 0, in bulk: events, articles and their claims (the pipeline's own claim split and
    vectors), claim clusters from the pipeline's ``group_propositions``, then the pipeline's
    ``relate_event`` and ``refresh_event`` per event. Row-by-row analysis would take hours on a
    shared 2-core machine; the rows it writes are the same kind."""
    from datetime import datetime, timedelta, timezone

    from django.db import transaction
    from django.utils.text import slugify

    from comparer.models import Article, Claim, ClaimCluster, Event, Outlet
    from comparer.pipeline import cluster, relate
    from comparer.pipeline.claims import extract_claims
    from comparer.pipeline.ingest import content_hash, normalize_text

    try:
        from comparer.pipeline.propositions import group_propositions
    except ImportError:  # an engine without it: cluster row by row with its cluster_claims
        group_propositions = None
    outlets = {}
    for number in range(OUTLETS):
        name = f"Bench outlet {number:02d}"
        outlets[number], _ = Outlet.objects.get_or_create(name=name, defaults={"slug": slugify(name),
                                                                              "is_sample": True})
    claim_fields = [f.name for f in Claim._meta.concrete_fields
                    if f.name not in ("id", "article", "event", "cluster", "embedding", "text_hash")]
    epoch = datetime(2024, 1, 1, tzinfo=timezone.utc)
    # FNC-1 repeats a few bodies word for word; like ingest, keep one article per text.
    stored = set(Article.objects.values_list("content_hash", flat=True))
    for chunk_start in range(0, len(events), 25):
        chunk = events[chunk_start:chunk_start + 25]
        with transaction.atomic():
            created_events = []
            for offset, body_ids in enumerate(chunk):
                number = start_index + chunk_start + offset
                when = epoch + timedelta(hours=6 * number)
                event = Event.objects.create(title=titles[body_ids[0]][:500], first_seen=when, last_seen=when)
                created_events.append(event)
                articles, article_drafts = [], []
                for position, body_id in enumerate(body_ids):
                    text = normalize_text(bodies[body_id])
                    title = titles[body_id]
                    digest = content_hash(title + "\n" + text)
                    if digest in stored:
                        continue
                    stored.add(digest)
                    articles.append(Article(
                        outlet=outlets[(number + position) % OUTLETS], title=title[:1000], text=text,
                        content_hash=digest, event=event,
                        published_at=when + timedelta(minutes=7 * position), source_format="csv",
                        source_name="fnc1/train_bodies.csv", metadata={"dataset_id": str(body_id)},
                        analysis_status="done", analyzed_at=when))
                    headline = extract_claims(title=title, text="")
                    body = [replace(d, position=d.position + len(headline)) for d in drafts[body_id]]
                    article_drafts.append(headline + body)
                if not articles:
                    created_events.pop().delete()
                    continue
                Article.objects.bulk_create(articles)
                flat = [(article, draft) for article, ds in zip(articles, article_drafts) for draft in ds]
                matrix = np.array([vectors[d.text] for _, d in flat], dtype=np.float32)
                matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
                groups = (group_propositions([d.text for _, d in flat], matrix) if group_propositions
                          else [None] * len(flat))
                clusters = {}
                if group_propositions:
                    order = list(dict.fromkeys(groups))
                    rows = []
                    for position, group in enumerate(order):
                        members = [i for i, g in enumerate(groups) if g == group]
                        centroid = matrix[members].mean(axis=0)
                        rows.append(ClaimCluster(event=event, label=flat[members[0]][1].text, position=position,
                                                 centroid=centroid / (np.linalg.norm(centroid) + 1e-12)))
                    clusters = dict(zip(order, ClaimCluster.objects.bulk_create(rows)))
                Claim.objects.bulk_create([
                    Claim(article=article, event=event, cluster=clusters.get(group), embedding=vector,
                          text_hash=draft.text_hash,
                          **{name: getattr(draft, name) for name in claim_fields if hasattr(draft, name)})
                    for (article, draft), vector, group in zip(flat, matrix, groups)], batch_size=1000)
            for event in created_events:
                if group_propositions is None:
                    cluster.cluster_claims(event)
                relate.relate_event(event)
                cluster.refresh_event(event)
        log(f"  {chunk_start + len(chunk)}/{len(events)} events loaded")


def _copy_sql(model, round_no: int, event_ids: list[int], copied_models) -> str:
    from django.db.models import DateTimeField

    shift = round_no * ROUND_SHIFT
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        columns.append(f'"{column}"')
        if field.primary_key or (field.is_relation and field.related_model in copied_models):
            expressions.append(f'"{column}" + {shift}')
        elif isinstance(field, DateTimeField) and column in ("published_at", "first_seen", "last_seen"):
            expressions.append(f"\"{column}\" + interval '{ROUND_DAYS * round_no} days'")
        elif column == "content_hash":
            expressions.append(f"md5(\"{column}\" || '{round_no}') || substr(\"{column}\", 33)")
        elif column in ("url", "page_url") and field.unique:
            expressions.append("NULL")
        else:
            expressions.append(f'"{column}"')
    table = model._meta.db_table
    key = "id" if model.__name__ == "Event" else "event_id"
    ids = ",".join(str(i) for i in event_ids)
    return (f'INSERT INTO "{table}" ({", ".join(columns)}) SELECT {", ".join(expressions)} '
            f'FROM "{table}" WHERE "{key}" IN ({ids})')


def copy_round(round_no: int, event_ids: list[int]) -> None:
    """Copy base events with everything in them as round ``round_no`` (plain SQL, one transaction)."""
    from django.db import connection, transaction

    from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event

    models = [Event, Article, ClaimCluster, Claim, ClaimRelation]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            cursor.execute(_copy_sql(model, round_no, event_ids, models))
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))")


COPIED_TABLES = ("comparer_event", "comparer_article", "comparer_claimcluster", "comparer_claim",
                 "comparer_claimrelation")


def secondary_indexes() -> list[tuple[str, str]]:
    """(name, definition) of the copied tables' indexes that back no constraint (HNSW, GIN, btree):
    dropped while rounds are copied and built once afterwards, which is far cheaper than
    maintaining them row by row (for 1M claims, the HNSW graph alone)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                       "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                       [list(COPIED_TABLES)])
        return cursor.fetchall()


def _dropped_path():
    from django.db import connection

    from common import CACHE

    return CACHE / f"scale-dropped-indexes-{connection.settings_dict['NAME']}.json"


def restore_indexes() -> float:
    """Build the indexes a copy phase dropped (also those an interrupted run left dropped). Returns seconds."""
    import json

    from django.db import connection

    path = _dropped_path()
    if not path.exists():
        return 0.0
    definitions = json.loads(path.read_text())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The vectors of 1M claims are ~1.5 GB: with less, the HNSW build spills and is much slower.
        cursor.execute("SET maintenance_work_mem = '2GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 1")
        for name, definition in definitions:
            log(f"  building index {name}")
            index_started = time.perf_counter()
            cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)
                           .replace("CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX IF NOT EXISTS", 1))
            log(f"    {time.perf_counter() - index_started:.0f} s")
        cursor.execute("ANALYZE")
    path.unlink()
    return time.perf_counter() - started


def grow_to(size: int, plan, bodies, titles, vectors) -> dict:
    """Add events (round 0 first, then copied rounds) until there are at least ``size`` claims.
    Returns the seconds spent per phase."""
    import json

    from django.db import connection

    from comparer.models import Claim, Event

    phases = {"base": 0.0, "copy": 0.0, "indexes": 0.0}
    phases["indexes"] += restore_indexes()
    events, drafts = plan
    have = Claim.objects.count()
    if have >= size:
        return phases
    loaded = Event.objects.filter(id__lt=ROUND_SHIFT).count()
    base_claims = [len(body_ids) + sum(len(drafts[b]) for b in body_ids) for body_ids in events]
    if loaded < len(events):
        batch, estimate = [], have
        for body_ids, count in zip(events[loaded:], base_claims[loaded:]):
            if estimate >= size:
                break
            batch.append(body_ids)
            estimate += count
        log(f"loading {len(batch)} base events (~{estimate - have} claims) through the pipeline")
        started = time.perf_counter()
        load_base_events(batch, bodies, titles, drafts, vectors, loaded)
        phases["base"] = time.perf_counter() - started
        have = Claim.objects.count()
    if have >= size:
        return phases
    started = time.perf_counter()
    base_ids = list(Event.objects.filter(id__lt=ROUND_SHIFT).order_by("id").values_list("id", flat=True))
    base_sizes = dict(Event.objects.filter(id__lt=ROUND_SHIFT).values_list("id", "claim_count"))
    indexes = secondary_indexes()
    path = _dropped_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(indexes))  # written first: a run killed while copying rebuilds them next time
    log(f"dropping {len(indexes)} secondary indexes while copying")
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    round_no = Event.objects.order_by("-id").values_list("id", flat=True).first() // ROUND_SHIFT + 1
    while have < size:
        chosen, estimate = [], have
        for event_id in base_ids:
            if estimate >= size:
                break
            chosen.append(event_id)
            estimate += base_sizes[event_id]
        copy_round(round_no, chosen)
        have += sum(base_sizes[e] for e in chosen)
        if round_no % 10 == 0:
            log(f"  round {round_no}: ~{have:,} claims, {time.perf_counter() - started:.0f} s")
        round_no += 1
    have = Claim.objects.count()
    phases["copy"] = time.perf_counter() - started
    log(f"rebuilding {len(indexes)} indexes on {have:,} claims")
    phases["indexes"] += restore_indexes()
    return phases


# --- measurements ------------------------------------------------------------------------

def bench_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True,
                                                                                 "is_superuser": True})
    for group in Group.objects.filter(name__in=["researcher", "curator"]):
        user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def time_requests(client, urls: list[str], warmup: int = 5) -> tuple[list[float], set[int]]:
    """Wall time per request; also records this process's CPU time and SQL query counts in
    ``time_requests.cpu`` and ``time_requests.queries``, which other load on the machine hardly changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:warmup]:
        client.get(url)
    times, statuses, cpu, queries = [], set(), [], []
    for url in urls:
        started_cpu = time.process_time()
        with CaptureQueriesContext(connection) as captured, Timer() as timer:
            response = client.get(url)
        cpu.append(time.process_time() - started_cpu)
        queries.append(len(captured.captured_queries))
        statuses.add(response.status_code)
        times.append(timer.seconds)
    time_requests.cpu, time_requests.queries = cpu, queries
    return times, statuses


def process_memory() -> tuple[int, int]:
    """(resident bytes now, peak resident bytes since start) of this process: the app's side
    (Django, its queries' results, the encoder); the PostgreSQL server's memory is its own."""
    import resource

    rss = 0
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_note() -> str:
    cpu, queries = time_requests.cpu, time_requests.queries
    return (f"Django-side CPU p50 {percentile(cpu, 50) * 1000:.1f} ms, p95 {percentile(cpu, 95) * 1000:.1f} ms; "
            f"SQL queries per request {min(queries)}-{max(queries)}")


def claims_list_times(client, samples: int, rng) -> tuple[str, list[float]]:
    from comparer.models import Claim, Outlet

    probe = client.get("/api/v1/claims/")
    if probe.status_code == 200:
        outlets = list(Outlet.objects.values_list("id", flat=True))
        urls = []
        for index in range(samples):
            if index % 3 == 0:
                urls.append(f"/api/v1/claims/?page={rng.randint(1, 20)}")
            elif index % 3 == 1:
                urls.append(f"/api/v1/claims/?outlet={rng.choice(outlets)}")
            else:
                urls.append("/api/v1/claims/")
        times, statuses = time_requests(client, urls)
        if statuses == {200}:
            return f"GET /api/v1/claims/ (pages 1-20, outlet filter, first page); {cpu_note()}", times
        log(f"claims API answered {sorted(statuses)}; timing the ORM list query instead")
    else:
        log(f"GET /api/v1/claims/ answered {probe.status_code}; timing the equivalent ORM list query instead")
    times = []
    for _ in range(samples):
        offset = rng.randint(0, 19) * 50
        with Timer() as timer:
            Claim.objects.count()
            list(Claim.objects.select_related("article__outlet", "event").order_by("-id")[offset:offset + 50])
        times.append(timer.seconds)
    return "ORM equivalent of the claims list (count + 50 rows with article, outlet, event)", times


def exact_neighbours(queries: np.ndarray, outlet_of_query: np.ndarray | None, k: int = 10,
                     chunk: int = 50_000) -> np.ndarray:
    """Distance of each query's ``k``-th exact nearest claim (within the query's outlet when
    ``outlet_of_query`` is given), streaming the table in chunks read in binary, so memory stays
    at one chunk however large the table is."""
    from django.db import connection

    best = np.full((len(queries), k), np.inf, dtype=np.float32)
    last_id = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT c.id, a.outlet_id, vector_send(c.embedding) FROM comparer_claim c "
                           "JOIN comparer_article a ON a.id = c.article_id WHERE c.embedding IS NOT NULL "
                           "AND c.id > %s ORDER BY c.id LIMIT %s", [last_id, chunk])
            rows = cursor.fetchall()
            if not rows:
                break
            last_id = rows[-1][0]
            outlets = np.array([r[1] for r in rows])
            matrix = np.frombuffer(b"".join(bytes(r[2])[4:] for r in rows), dtype=">f4").astype(np.float32)
            matrix = matrix.reshape(len(rows), -1)
            matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
            distances = 1 - queries @ matrix.T          # queries x chunk
            if outlet_of_query is not None:
                distances[outlet_of_query[:, None] != outlets[None, :]] = np.inf
            take = min(k, distances.shape[1])
            nearest = np.partition(distances, take - 1, axis=1)[:, :take]
            best = np.sort(np.concatenate([best, nearest], axis=1), axis=1)[:, :k]
    return best[:, k - 1]


def claim_vectors(ids: list[int]) -> dict[int, np.ndarray]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, vector_send(embedding) FROM comparer_claim WHERE id = ANY(%s)", [ids])
        vectors = {}
        for claim_id, raw in cursor.fetchall():
            vector = np.frombuffer(bytes(raw), dtype=">f4", offset=4).astype(np.float32)
            vectors[claim_id] = vector / (np.linalg.norm(vector) + 1e-12)
    return vectors


def outlet_ids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT outlet_id FROM comparer_article ORDER BY 1")
        return [r[0] for r in cursor.fetchall()]


def vector_literal(vector) -> str:
    return "[" + ",".join(f"{x:.7f}" for x in vector) + "]"


def knn(vector, k: int, ef_search: int, iterative: str = "off", outlet_id: int | None = None):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
        cursor.execute(f"SET LOCAL hnsw.iterative_scan = {iterative}")
        if outlet_id is None:
            cursor.execute("SELECT id FROM comparer_claim ORDER BY embedding <=> %s::vector LIMIT %s",
                           [vector_literal(vector), k])
        else:
            cursor.execute("SELECT c.id FROM comparer_claim c JOIN comparer_article a ON a.id = c.article_id "
                           "WHERE a.outlet_id = %s ORDER BY c.embedding <=> %s::vector LIMIT %s",
                           [outlet_id, vector_literal(vector), k])
        return [row[0] for row in cursor.fetchall()]


def recall_at_10(queries, kth, ef_search, iterative="off", outlet_of_query=None):
    """Tie-aware recall@10: a returned claim counts if it is as near as the 10th exact neighbour
    (``kth``, from ``exact_neighbours``; the corpus repeats sentences, so exact ties are common).
    Filtered queries use the outlet ``outlet_of_query`` gives each and are checked against the
    exact neighbours within that outlet."""
    scores = []
    for index, vector in enumerate(queries):
        if not np.isfinite(kth[index]):
            continue
        outlet_id = int(outlet_of_query[index]) if outlet_of_query is not None else None
        found = knn(vector, 10, ef_search, iterative, outlet_id)
        vectors = claim_vectors(found)
        hits = sum(1 for claim_id in found if 1 - float(vectors[claim_id] @ vector) <= kth[index] + 1e-5)
        scores.append(min(hits, 10) / 10)
    return float(np.mean(scores))


def search_times(queries_text, query_vectors, samples):
    """``semantic_search`` end to end (encoding each query; ``samples`` queries); then, for every
    query vector (100 or more: each costs milliseconds, and a p95 of 30 samples is their 2nd
    slowest), in turn:
    ``semantic_search`` with the encoder patched to return that vector, and two bare kNN queries
    on the same table with the same vector and limit (50), no filter: one with the vector as a
    SQL literal formatted in Python (what any client does), one with it bound as a binary
    parameter (the fastest way to send it). Every timer includes formatting or sending the vector."""
    from unittest import mock

    from django.db import connection
    from django.db.backends.postgresql.base import ServerBindingCursor
    from pgvector import Vector
    from psycopg.adapt import Dumper
    from psycopg.pq import Format

    from comparer import search

    class BinaryVector(Dumper):
        format, oid = Format.BINARY, 0

        def dump(self, obj):
            return obj.to_binary()

    def bare_literal(vector):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM comparer_claim ORDER BY embedding <=> %s::vector LIMIT 50",
                           [vector_literal(vector)])
            cursor.fetchall()

    def bare_bound(vector):
        cursor = ServerBindingCursor(connection.connection)
        cursor.adapters.register_dumper(Vector, BinaryVector)
        cursor.execute("SELECT id FROM comparer_claim ORDER BY embedding <=> %s::vector LIMIT 50", [Vector(vector)])
        cursor.fetchall()
        cursor.close()

    given_vector = {}

    def given(vector):
        given_vector["q"] = vector
        search.semantic_search("(vector given)")

    pairs = list(zip(queries_text, query_vectors))
    full = []
    for text, _ in pairs[:samples]:
        with Timer() as timer:
            search.semantic_search(text)
        full.append(timer.seconds)
    # The encoder's worker threads keep spinning for a moment after each call, so whatever runs
    # right after it is slowed; the three compared queries run after the encoder loop, in an order
    # that rotates from one query vector to the next.
    timed = {given: [], bare_literal: [], bare_bound: []}
    order = list(timed)
    with mock.patch("comparer.pipeline.embed.encode", new=lambda texts: np.array([given_vector["q"]])):
        for index, (_, vector) in enumerate(pairs):
            for function in order[index % 3:] + order[:index % 3]:
                with Timer() as timer:
                    function(vector)
                timed[function].append(timer.seconds)
    pre_encoded, bare, bare_binary = timed.values()
    return full, pre_encoded, bare, bare_binary


def forget_relation_readings() -> None:
    """Empty the NLI model's per-process memo: the same held-out articles are added at every
    size, and their pairs' readings remembered from the first size would flatter the later ones."""
    from comparer.relations_model import nli

    model = nli.load_nli()
    if model is not None:
        model._memo.clear()


def add_one_article_times(held_out, bodies, titles):
    """Ingest + analyse one new article on an existing story, then remove it again."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comparer.models import Article, ClaimCluster, Event
    from comparer.pipeline import cluster
    from comparer.pipeline.ingest import ingest_article
    from comparer.pipeline.run import analyze

    times, queries = [], []
    newest = Event.objects.order_by("-first_seen").values_list("first_seen", flat=True).first()
    for index, (body_id, mate_id) in enumerate(held_out):
        clusters_before = ClaimCluster.objects.order_by("-id").values_list("id", flat=True).first() or 0
        mate_date = (Article.objects.filter(metadata__dataset_id=str(mate_id)).order_by("id")
                     .values_list("published_at", flat=True).first())
        when = mate_date + timedelta(hours=2) if mate_date else newest
        article, _ = ingest_article(article_input(body_id, bodies[body_id], titles[body_id], index, when))
        forget_relation_readings()
        with CaptureQueriesContext(connection) as captured, Timer() as timer:
            report = analyze([article])
        assert report.failed == 0, f"analysis of held-out body {body_id} failed"
        times.append(timer.seconds)
        queries.append(len(captured.captured_queries))
        article.refresh_from_db()
        event = article.event
        article.delete()
        ClaimCluster.objects.filter(id__gt=clusters_before, claims__isnull=True).delete()
        if event is not None:
            if not event.articles.exists():
                event.delete()
            else:
                cluster.refresh_event(event)
    return times, queries


def measure(size_target: int, bodies, titles, held_out, queries, vectors, samples: int) -> dict:
    from comparer.models import Article, Claim, ClaimRelation, Event

    rng = random.Random(SEED)
    claims, events, articles = Claim.objects.count(), Event.objects.count(), Article.objects.count()
    relations = ClaimRelation.objects.count()
    print(f"\n== size {size_target:,}: {claims:,} claims, {articles:,} articles, {events:,} events, "
          f"{relations:,} relations ==")
    print(f"machine now: {machine()}")
    figures = {"claims": claims}
    client = bench_client()

    event_ids = list(Event.objects.values_list("id", flat=True))
    sample = rng.sample(event_ids, min(samples, len(event_ids)))
    times, statuses = time_requests(client, [f"/events/{i}/" for i in sample])
    sizes = dict(Event.objects.filter(id__in=sample).values_list("id", "claim_count"))
    print(f"event page GET /events/<id>/: {summary_ms(times)}; status {sorted(statuses)}; "
          f"claims per sampled event p50 {percentile(list(sizes.values()), 50):.0f}, max {max(sizes.values())}")
    print(f"  {cpu_note()}")
    figures["event_p50"], figures["event_p95"] = percentile(times, 50), percentile(times, 95)

    what, times = claims_list_times(client, samples, rng)
    print(f"claims list, {what}: {summary_ms(times)}")
    figures["list_p50"], figures["list_p95"] = percentile(times, 50), percentile(times, 95)
    figures["list_what"] = what

    queries_text = queries
    query_vectors = np.array([vectors[t] for t in queries_text])
    full, pre_encoded, bare, bare_binary = search_times(queries_text, query_vectors, samples)
    print(f"semantic search (search.semantic_search, incl. encoding the query): {summary_ms(full)}")
    print(f"semantic search, query vector given (50 claims with article, outlet, event): {summary_ms(pre_encoded)}")
    print(f"bare pgvector kNN (SELECT id ... ORDER BY embedding <=> q LIMIT 50, q a SQL literal): {summary_ms(bare)}")
    print(f"bare pgvector kNN, q bound as a binary parameter: {summary_ms(bare_binary)}")
    figures["search_p95"], figures["bare_p95"] = percentile(pre_encoded, 95), percentile(bare, 95)
    figures["bare_binary_p95"] = percentile(bare_binary, 95)
    figures["search_full_p95"] = percentile(full, 95)

    times, queries = add_one_article_times(held_out, bodies, titles)
    print(f"add one article (ingest done; analyse with cached vectors): {summary_ms(times)}; "
          f"SQL queries per article {min(queries)}-{max(queries)}")
    figures["add_p50"] = percentile(times, 50)

    recall_queries = query_vectors[: min(100, len(query_vectors))].astype(np.float32)
    recall_queries /= np.linalg.norm(recall_queries, axis=1, keepdims=True) + 1e-12
    with Timer() as timer:
        kth = exact_neighbours(recall_queries, None)
        outlets = outlet_ids()
        outlet_of_query = np.array([outlets[i % len(outlets)] for i in range(len(recall_queries))])
        kth_filtered = exact_neighbours(recall_queries, outlet_of_query)
    log(f"exact neighbours of {len(recall_queries)} queries (streamed): {timer.seconds:.0f} s")
    for ef in (40, 100, 200):
        with Timer() as timer:
            recall = recall_at_10(recall_queries, kth, ef)
        print(f"HNSW recall@10 vs exact, ef_search={ef}: {recall:.3f} "
              f"({timer.seconds / len(recall_queries) * 1000:.1f} ms per query incl. exact check)")
        figures[f"recall_{ef}"] = recall
    for iterative in ("off", "strict_order"):
        recall = recall_at_10(recall_queries, kth_filtered, 100, iterative, outlet_of_query)
        print(f"HNSW recall@10 with an outlet filter (~1/{OUTLETS} of rows), ef_search=100, "
              f"iterative_scan={iterative}: {recall:.3f}")
        figures[f"recall_filtered_{iterative}"] = recall
    print(f"machine after this size's measurements: {machine()}")
    rss, peak = process_memory()
    print(f"app process memory: {rss / 1e9:.2f} GB resident now, peak {peak / 1e9:.2f} GB since start")
    figures["rss_peak"] = peak
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 2,000 and 10,000 claims")
    parser.add_argument("--sizes", default="", help="comma-separated claim counts (default 10000,100000)")
    parser.add_argument("--rebuild", action="store_true", help="empty the benchmark database first")
    parser.add_argument("--samples", type=int, default=60, help="requests/queries per measurement")
    parser.add_argument("--database", default=DB_NAME,
                        help=f"database on the embedded server (default {DB_NAME}); runs must not share one")
    parser.add_argument("--base-claims", type=int, default=0,
                        help="use only the first events up to this many claims as round 0 (default: all of "
                             "FNC-1, about 31k); larger sizes repeat them as more rounds")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([2000, 10000] if args.quick
                                                                          else [10000, 100000])
    setup_django(args.database)
    from django.core.management import call_command

    if args.rebuild:
        log(f"emptying {args.database}")
        call_command("flush", interactive=False, verbosity=0)
    bodies = fnc1_bodies()
    drafts = body_claim_drafts(bodies)
    events, headline_of, held_out = plan_events(bodies, fnc1_stances())
    titles = {b: headline_of.get(b) or (drafts[b][0].text if drafts[b] else f"FNC-1 body {b}") for b in bodies}
    if args.base_claims:
        kept, claims = [], 0
        for body_ids in events:
            if claims >= args.base_claims:
                break
            kept.append(body_ids)
            claims += sum(1 + len(drafts[b]) for b in body_ids)
        events = kept
    # Queries are real FNC-1 headlines that are not any article's title, so none is stored as a claim.
    unused = sorted({row["Headline"].strip() for row in fnc1_stances()} - set(titles.values()))
    queries = random.Random(SEED).sample(unused, min(max(args.samples, 100), len(unused)))

    needed, claims = [], 0
    for body_ids in events:
        if claims >= max(sizes):
            break
        for body_id in body_ids:
            needed += [titles[body_id]] + [d.text for d in drafts[body_id]]
            claims += 1 + len(drafts[body_id])
    for body_id, _ in held_out:
        needed += [titles[body_id]] + [d.text for d in drafts[body_id]]
    vectors = bench_vectors(needed + queries)
    log("priming the embedding cache with the corpus vectors")
    prime_embedding_cache(list(vectors), np.array(list(vectors.values())))

    print(f"machine: {machine()} (shared with other work while this ran)")
    print(f"round 0: {len(events)} events from FNC-1 bodies, "
          f"{sum(1 + len(drafts[b]) for e in events for b in e):,} claims; larger sizes repeat round 0")
    results = []
    for size in sorted(sizes):
        with Timer() as build:
            phases = grow_to(size, (events, drafts), bodies, titles, vectors)
        log(f"size {size}: built in {build.seconds:.0f} s")
        figures = measure(size, bodies, titles, held_out, queries, vectors, args.samples)
        print(f"build to {figures['claims']:,} claims: {build.seconds:.0f} s (base events through the pipeline "
              f"{phases['base']:.0f} s, SQL copy rounds {phases['copy']:.0f} s, index builds "
              f"{phases['indexes']:.0f} s; from the previous size)", flush=True)
        figures["build"] = build.seconds
        results.append(figures)
    first, last = results[0], results[-1]
    ratio = last["add_p50"] / first["add_p50"]
    print(f"\nSUMMARY scale: at {last['claims']:,} claims event page p95 {last['event_p95'] * 1000:.0f} ms, "
          f"claims list p95 {last['list_p95'] * 1000:.0f} ms (target < 50), search p95 "
          f"{last['search_p95'] * 1000:.1f} ms vs bare kNN {last['bare_p95'] * 1000:.1f} ms "
          f"(x{last['search_p95'] / last['bare_p95']:.1f}, target <= 2; x{last['search_p95'] / last['bare_binary_p95']:.1f} "
          f"of the bare query with a binary parameter, {last['bare_binary_p95'] * 1000:.1f} ms), add-one-article "
          f"{last['claims']:,}/{first['claims']:,} ratio {ratio:.2f} (target <= 1.5), recall@10 "
          f"{last['recall_100']:.3f} at ef_search=100, build {last['build']:.0f} s, app peak RSS "
          f"{last['rss_peak'] / 1e9:.2f} GB")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    log(f"done in {time.perf_counter() - started:.0f} s")
