"""Server time of the event comparison page for a large event: 30 outlets x 200 claims each.

Builds a synthetic event (real-looking sentences, speakers, channels, figures, random unit
vectors, agree/contradict relations) inside a transaction in the configured database, requests
/events/<id>/ through Django's test client (middleware, view, selector, template: everything but
the network), prints p50/p95 and the query count, and rolls everything back.

Two paths are measured separately, each checked by the page's X-Comparer-Page-Cache header:
"uncached" empties the page cache before every request (what the first visitor after any change
to the event gets: version read, comparison computed, rendered, stored); "cached" repeats the
request for the unchanged event (version read, stored parts served). The page cache is the
configured kind (a file cache by default) in a private temporary location, unless --cache-url
names one (any Django cache URL, e.g. dbcache://bench_page_cache after createcachetable).

    .venv/bin/python bench/event_page.py [--outlets 30] [--claims 200] [--runs 30] [--cache-url URL]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comparer.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402
import environ  # noqa: E402
import numpy as np  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from comparer.models import EMBEDDING_DIM, Article, Claim, ClaimCluster, ClaimRelation, Event, Outlet  # noqa: E402
from comparer.web.page_cache import CACHE_ALIAS  # noqa: E402

SPEAKERS = [("Alexander Zorin", "TASS"), ("Maria Zakharova", "Telegram"), ("the General Staff", ""),
            ("the Defense Ministry", "RIA Novosti"), ("a military source", "Reuters"), ("", "")]
SUBJECTS = ["Russian forces", "Ukrainian troops", "The defence ministry", "Kyiv", "Moscow", "Air defence units"]
VERBS = ["destroyed", "shot down", "lost", "captured", "repelled attacks by", "reported"]
OBJECTS = ["armored vehicles", "drones", "artillery pieces", "tanks", "soldiers", "missiles"]
PLACES = ["near Pokrovsk", "in the Dnipropetrovsk region", "around Kharkiv", "on the Zaporizhzhia front",
          "near Kupiansk", "in Sumy region"]


class Rollback(Exception):
    pass


def unit_vectors(count: int, seed: int):
    vectors = np.random.default_rng(seed).standard_normal((count, EMBEDDING_DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def sentence(rng: random.Random, row: int, figure: int) -> str:
    subject, verb, obj, place = (SUBJECTS[row % 6], VERBS[(row // 6) % 6], OBJECTS[(row // 36) % 6],
                                 PLACES[row % 5])
    return f"{subject} {verb} {figure} {obj} {place} over the past day, officials said on Sunday (item {row})."


def build(outlets: int, claims: int, seed: int = 7) -> tuple[Event, int]:
    rng = random.Random(seed)
    start = datetime(2025, 6, 7, 6, 0, tzinfo=timezone.utc)
    event = Event.objects.create(title=f"Benchmark event: {outlets} outlets x {claims} claims",
                                 first_seen=start, last_seen=start + timedelta(hours=outlets))
    tag = hashlib.sha256(str(time.time()).encode()).hexdigest()[:8]
    outlet_rows = Outlet.objects.bulk_create([
        Outlet(name=f"Bench outlet {i:02d} {tag}", slug=f"bench-outlet-{i:02d}-{tag}", country=f"Country {i % 7}")
        for i in range(outlets)])
    clusters = ClaimCluster.objects.bulk_create([
        ClaimCluster(event=event, label=f"proposition {row}", position=row) for row in range(claims)])
    articles, claim_rows = [], []
    for index, outlet in enumerate(outlet_rows):
        # Every third outlet gives a different figure on every tenth row: those rows contradict.
        figures = [10 + row % 50 + (index % 3 == 0 and row % 10 == 0) * 7 for row in range(claims)]
        texts = [sentence(rng, row, figure) for row, figure in enumerate(figures)]
        body = "\n\n".join(texts)
        article = Article(outlet=outlet, title=f"Front-line report {index}", text=body,
                          url=f"https://bench-{index}-{tag}.example/report", event=event,
                          published_at=start + timedelta(hours=index, minutes=rng.randrange(60)),
                          content_hash=hashlib.sha256(f"{tag}{index}".encode()).hexdigest(),
                          analysis_status=Article.AnalysisStatus.DONE)
        articles.append((article, texts, figures))
    Article.objects.bulk_create([a for a, _, _ in articles])
    vectors = iter(unit_vectors(outlets * claims, seed))
    for index, (article, texts, figures) in enumerate(articles):
        cursor = 0
        for row, text in enumerate(texts):
            speaker, channel = SPEAKERS[(row + index) % len(SPEAKERS)]
            figure, unit = figures[row], OBJECTS[(row // 36) % 6]
            claim_rows.append(Claim(
                article=article, event=event, cluster=clusters[row], position=row + 1, char_start=cursor,
                char_end=cursor + len(text), text=text, text_hash=hashlib.sha256(text.encode()).hexdigest(),
                speaker=speaker, channel=channel, embedding=next(vectors),
                numbers=[{"value": figure, "text": f"{figure} {unit}", "unit": unit}]))
            cursor += len(text) + 2
    Claim.objects.bulk_create(claim_rows, batch_size=2000)
    by_row: dict[int, list[Claim]] = {}
    for claim in claim_rows:
        by_row.setdefault(claim.position - 1, []).append(claim)
    relations = []
    for row, row_claims in by_row.items():
        for left, right in zip(row_claims, row_claims[1:]):  # a chain per row: one judged pair per outlet
            first, second = sorted((left, right), key=lambda c: c.id)
            a_num, b_num = first.numbers[0]["value"], second.numbers[0]["value"]
            if a_num != b_num:
                relations.append(ClaimRelation(event=event, claim_a=first, claim_b=second, label="contradict",
                                               reason="numeric_mismatch", score=0.9, details={
                                                   "a": first.numbers[0], "b": second.numbers[0],
                                                   "unit": first.numbers[0]["unit"]}))
            else:
                relations.append(ClaimRelation(event=event, claim_a=first, claim_b=second, label="agree",
                                               reason="model", score=round(rng.uniform(0.7, 0.99), 3)))
    ClaimRelation.objects.bulk_create(relations, batch_size=2000)
    event.outlet_count, event.claim_count = outlets, len(claim_rows)
    event.agree_count = sum(r.label == "agree" for r in relations)
    event.contradict_count = len(relations) - event.agree_count
    event.save()
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum gives a real import
        for table in (Article, Claim, ClaimRelation):
            cursor.execute(f"ANALYZE {table._meta.db_table}")
    return event, len(relations)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Cpu:
    """CPU seconds spent by this process (the web side) and by the database backend serving it,
    per request: unlike wall time, hardly changed by other work on a shared machine. The backend's
    figure comes from /proc (embedded or local server only) in clock ticks (10 ms), so only its
    mean over many requests is meaningful."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")
        self.web, self.database = [], []

    def backend(self) -> float | None:
        try:
            fields = self.stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick   # utime + stime

    def __enter__(self):
        self.started = time.process_time(), self.backend()
        return self

    def __exit__(self, *exc):
        web, database = time.process_time(), self.backend()
        self.web.append(web - self.started[0])
        if database is not None and self.started[1] is not None:
            self.database.append(database - self.started[1])

    def summary(self) -> str:
        web = statistics.fmean(self.web) * 1000
        if not self.database:
            return f"CPU per request: web {web:.1f} ms"
        database = statistics.fmean(self.database) * 1000
        return f"CPU per request: web {web:.1f} ms + database {database:.1f} ms = {web + database:.1f} ms"


def measure(client: Client, url: str, runs: int, cached: bool) -> tuple[list[float], int, int, Cpu]:
    """Server time of ``runs`` requests on one path: ``cached`` repeats the request for the unchanged
    event; otherwise the page cache is emptied before each request (not timed)."""
    page_cache = caches[CACHE_ALIAS]
    client.get(url)  # warm: template compilation, first-query plans, and the cached path's entry
    expected = "hit" if cached else "miss"
    cpu = Cpu()

    def one():
        if not cached:
            page_cache.clear()
        with cpu:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        assert response["X-Comparer-Page-Cache"] == expected, (url, response["X-Comparer-Page-Cache"])
        return elapsed, response

    timings = [one()[0] for _ in range(runs)]
    if not cached:
        page_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = one()[1]
    return timings, len(queries), len(response.content), cpu


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=30)
    parser.add_argument("--claims", type=int, default=200, help="claims per outlet (one per row)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cache-url", help="page cache to use (a Django cache URL); default: the configured "
                                            "kind in a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="event-page-cache-") as directory:
        cache = dict(settings.CACHES[CACHE_ALIAS])
        if args.cache_url:
            cache = {**environ.Env.cache_url_config(args.cache_url), "TIMEOUT": cache.get("TIMEOUT")}
        elif cache["BACKEND"].endswith("FileBasedCache"):
            cache["LOCATION"] = directory
        with override_settings(CACHES={**settings.CACHES, CACHE_ALIAS: cache}):
            print(f"page cache: {cache['BACKEND']} {cache.get('LOCATION', '')}; {load()}")
            run(args)


def run(args) -> None:
    summary = ""
    try:
        with transaction.atomic():
            started = time.perf_counter()
            event, relation_count = build(args.outlets, args.claims)
            print(f"built event {event.id}: {args.outlets} outlets, {event.claim_count} claims, "
                  f"{relation_count} relations in {time.perf_counter() - started:.1f} s")
            user = get_user_model().objects.create_user(username=f"bench-{event.id}", password=None)
            client = Client()
            client.force_login(user)
            results = {}
            for name, suffix in (("full page", ""), ("only disagreements", "?only=disagreements")):
                for path in ("uncached", "cached"):
                    timings, queries, size, cpu = measure(client, f"/events/{event.id}/{suffix}", args.runs,
                                                          cached=path == "cached")
                    results[name, path] = timings
                    print(f"{name:>18}, {path:>8}: p50 {statistics.median(timings):7.1f} ms  "
                          f"p95 {percentile(timings, 0.95):7.1f} ms  min {min(timings):7.1f} ms  queries {queries}  "
                          f"html {size / 1024:.0f} KiB  ({args.runs} runs; {load()})")
                    print(f"{'':>30}{cpu.summary()}")
            cached, uncached = results["full page", "cached"], results["full page", "uncached"]
            summary = (f"SUMMARY event page {args.outlets} outlets x {args.claims} claims, server time: cached "
                       f"p50 {statistics.median(cached):.1f} ms, p95 {percentile(cached, 0.95):.1f} ms; uncached "
                       f"p50 {statistics.median(uncached):.1f} ms, p95 {percentile(uncached, 0.95):.1f} ms "
                       f"(target < 50 ms; {load()})")
            raise Rollback
    except Rollback:
        pass
    print(summary)


if __name__ == "__main__":
    main()
