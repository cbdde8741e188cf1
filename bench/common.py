"""Shared by the benchmarks: a separate database, the public datasets, cached sentence vectors.

Benchmarks never touch the dev database or anyone's test database: ``setup_django(db_name)``
points Django at its own database on the same embedded PostgreSQL server (creating it and
running migrations when needed). Sentence vectors are cached under ``var/bench/`` (git-ignored),
keyed by a hash of the texts, so a rerun does not re-encode.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("COMPARER_SHARED_DATA", ROOT.parent / "shared" / "data"))
CACHE = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    """Progress goes to stderr; figures go to stdout."""
    print(message, file=sys.stderr, flush=True)


def setup_django(db_name: str) -> None:
    """Use database ``db_name`` on the embedded server (created and migrated when missing)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comparer.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if os.environ.get("DATABASE_URL"):
        log(f"DATABASE_URL is set: benchmarking on that database, not on a separate {db_name!r}")
    else:
        from comparer.db.embedded import ensure_running

        import psycopg

        server = ensure_running()
        with psycopg.connect(dbname="postgres", user=server["USER"], host=server["HOST"], port=server["PORT"],
                             autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone():
                conn.execute(f'CREATE DATABASE "{db_name}"')
        os.environ["COMPARER_DB_NAME"] = db_name
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def machine() -> str:
    cores = os.cpu_count()
    try:
        load = ", load average %.1f" % os.getloadavg()[0]
    except OSError:
        load = ""
    return f"{platform.processor() or platform.machine()}, {cores} cores{load}, Python {platform.python_version()}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50) * 1000:.1f} ms, p95 {percentile(values, 95) * 1000:.1f} ms "
            f"(n={len(values)}, mean {statistics.fmean(values) * 1000:.1f} ms)")


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def backend_cpu_seconds() -> tuple[int, float | None]:
    """(pid, CPU seconds used so far) of the PostgreSQL backend serving Django's connection, where
    index maintenance runs; the seconds are read from /proc, ``None`` when the server is elsewhere."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        # After "pid (comm)", utime and stime are the 12th and 13th fields.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return pid, None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuTimer:
    """Wall time, this process's CPU time (all its threads) and its PostgreSQL backend's."""

    def __enter__(self):
        self.backend_start = backend_cpu_seconds()
        self.start, self.cpu_start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu_start
        (pid, end), (pid_before, start) = backend_cpu_seconds(), self.backend_start
        # A reconnect in between would be another backend: its time is not known then.
        self.backend = None if end is None or start is None or pid != pid_before else end - start


# --- datasets ----------------------------------------------------------------------------------

def _rows(path: Path) -> list[dict]:
    csv.field_size_limit(64 * 1024 * 1024)
    if not path.exists():
        raise SystemExit(f"{path} is missing: the benchmarks read the public datasets from {DATA} "
                         "(set COMPARER_SHARED_DATA to point elsewhere)")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def fnc1_bodies() -> dict[int, str]:
    return {int(row["Body ID"]): row["articleBody"] for row in _rows(DATA / "fnc1" / "train_bodies.csv")}


def fnc1_stances() -> list[dict]:
    return _rows(DATA / "fnc1" / "train_stances.csv")


def emergent_rows() -> list[dict]:
    return _rows(DATA / "emergent" / "emergent_train.csv")


def body_claim_drafts(bodies: dict[int, str]) -> dict[int, list]:
    """The pipeline's own claim split of each body (no headline), cached as JSON."""
    from comparer.pipeline.claims import ClaimDraft, extract_claims
    from comparer.pipeline.ingest import normalize_text

    # Keyed by the bodies and the claim splitter's source, so a change to the splitter re-splits.
    from comparer.pipeline import attribution, claims, numbers

    sources = "".join(Path(module.__file__).read_text() for module in (claims, attribution, numbers))
    key = hashlib.sha256((json.dumps(sorted(bodies.items())) + sources).encode()).hexdigest()[:16]
    path = CACHE / f"fnc1-claims-{key}.json"
    if path.exists():
        raw = json.loads(path.read_text())
        return {int(k): [ClaimDraft(**d) for d in v] for k, v in raw.items()}
    log(f"splitting {len(bodies)} FNC-1 bodies into claims (cached in {path.relative_to(ROOT)})")
    drafts = {body_id: extract_claims(title="", text=normalize_text(text)) for body_id, text in bodies.items()}
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: [d.__dict__ for d in v] for k, v in drafts.items()}))
    return drafts


def _load_vectors(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    stored = np.load(path)
    return dict(zip(stored["hashes"].tolist(), stored["vectors"]))


def _save_vectors(path: Path, known: dict[str, np.ndarray]) -> None:
    """Merge with what another benchmark process saved meanwhile, then replace the file atomically."""
    merged = {**_load_vectors(path), **known}
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
    np.savez(partial, hashes=np.array(list(merged)), vectors=np.array(list(merged.values()), dtype=np.float32))
    os.replace(partial, path)


def encode_cached(texts: list[str], name: str) -> np.ndarray:
    """Vectors for ``texts`` from the pipeline's encoder, cached per sentence in var/bench/<name>.npz.

    Only sentences not cached yet are encoded, so a change to the claim splitter costs just the
    sentences it changed.
    """
    from comparer.pipeline.embed import encode

    path = CACHE / f"{name}.npz"
    known = _load_vectors(path)
    digests = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts]
    missing = list(dict.fromkeys(d for d in digests if d not in known))
    if missing:
        text_of = dict(zip(digests, texts))
        log(f"encoding {len(missing)} sentences for {name} (once; cached in {path.relative_to(ROOT)})")
        started = time.perf_counter()
        for start in range(0, len(missing), 2048):
            chunk = missing[start:start + 2048]
            known.update(zip(chunk, encode([text_of[d] for d in chunk])))
            done = start + len(chunk)
            log(f"  {done}/{len(missing)} encoded, {done / (time.perf_counter() - started):.0f} sentences/s")
            _save_vectors(path, known)  # per chunk: an interrupted run keeps its work
    return np.array([known[d] for d in digests], dtype=np.float32).reshape(len(texts), -1)


def prime_embedding_cache(texts: list[str], vectors: np.ndarray) -> None:
    """Store vectors in the pipeline's EmbeddingCache so analysis reuses them instead of encoding."""
    from comparer.models import EmbeddingCache
    from comparer.pipeline.claims import text_hash
    from comparer.pipeline.embed import MODEL_NAME

    rows = {}
    for text, vector in zip(texts, vectors):
        rows[text_hash(text)] = EmbeddingCache(text_hash=text_hash(text), model_name=MODEL_NAME, embedding=vector)
    EmbeddingCache.objects.bulk_create(list(rows.values()), batch_size=2000, ignore_conflicts=True)


def all_bench_texts() -> list[str]:
    """Every sentence the benchmarks use, in a fixed order: one encoding pass serves them all."""
    bodies = fnc1_bodies()
    drafts = body_claim_drafts(bodies)
    texts = sorted({row["Headline"].strip() for row in fnc1_stances()})
    texts += sorted({row["articleHeadline"].strip() for row in emergent_rows()})
    texts += [d.text for body_id in sorted(drafts) for d in drafts[body_id]]
    return list(dict.fromkeys(texts))


def bench_vectors(texts: list[str] | None = None) -> dict[str, np.ndarray]:
    """Vectors of ``texts`` (default: every benchmark sentence), encoding only what is not cached."""
    texts = list(dict.fromkeys(texts)) if texts is not None else all_bench_texts()
    vectors = encode_cached(texts, "bench-sentences")
    return dict(zip(texts, vectors))
