"""Sentence vectors for training and evaluation, cached on disk by text hash.

Training and the evaluation commands encode tens of thousands of dataset sentences; the cache
under ``var/relations_cache/`` (git-ignored) makes every run after the first one fast. The
vectors come from the same ``comparer.pipeline.embed.encode`` the app uses.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.conf import settings

CHUNK = 2048   # sentences encoded between two saves, so an interrupted run keeps its work


def cache_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "relations_cache" / "minilm-sentences.npz"


def _key(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


class EncodingCache:
    def __init__(self, path: Path | None = None):
        self.path = path or cache_path()
        self.index: dict[str, int] = {}
        self.rows: list[np.ndarray] = []
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as data:
                keys, matrix = data["keys"], data["vectors"]
            self.index = {str(key): i for i, key in enumerate(keys)}
            self.rows = list(matrix)
        self._dirty = False

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(self.index, key=self.index.get))
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=np.stack(self.rows).astype(np.float32))
        tmp.replace(self.path)
        self._dirty = False

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Unit vectors for ``texts`` (one row each), encoding only what the cache lacks."""
        from comparer.pipeline.embed import encode

        keys = [_key(text) for text in texts]
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts):
            if key not in self.index and key not in missing:
                missing[key] = text
        if missing:
            pending = list(missing.items())
            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=len(pending), desc="encode", unit="sentence")
            for start in range(0, len(pending), CHUNK):
                chunk = pending[start:start + CHUNK]
                vectors = encode([text for _, text in chunk])
                for (key, _), vector in zip(chunk, vectors):
                    self.index[key] = len(self.rows)
                    self.rows.append(vector)
                self._dirty = True
                self.save()
                if bar is not None:
                    bar.update(len(chunk))
            if bar is not None:
                bar.close()
        dim = settings.COMPARER["EMBEDDING_DIM"]
        if not keys:
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([self.rows[self.index[key]] for key in keys]).astype(np.float32)
