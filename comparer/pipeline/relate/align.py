"""Claim alignment: which pairs of an event's claims are worth judging at all.

Only claims of different outlets that talk about the same happening or quantity are judged:
each claim is paired with at most ``k`` of its nearest claims from other outlets (cosine of the
MiniLM vectors at least ``min_similarity``) that also share an anchor with it: a quantity frame,
or at least two content words (names, places, what happened). This bounds the pairs to n·k for
n claims (the model reads each once), and similarities are computed a block of rows at a time,
so memory stays O(block·n) however large the event.

Sentences a syndicated copy repeats from its original are the original's claims and are not
paired again; pairs a curator locked are left alone.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from comparer.relations_model.features import STOP, stem, tokens

K_NEIGHBOURS = 5
MIN_SIMILARITY = 0.5
# The same bar for pairs aligned on the multilingual vectors (multilingual-e5-small: unrelated
# news sentences already score ~0.8). 0.84 keeps 95-100% of hand-made ru/uk translations of
# English news sentences and every XNLI en-ru translation but one in 500.
X_MIN_SIMILARITY = 0.84
ENGLISH = ("en", "")   # claims the English model (MiniLM) and the English NLI model read
MIN_SHARED_WORDS = 2
BLOCK_ROWS = 1024
# Words every report of anything uses; sharing them says nothing about the happening.
_GENERIC = {"report", "reported", "according", "official", "officials", "statement", "told", "added", "also",
            "would", "could", "week", "day", "year", "time", "people", "news", "agency", "claim", "claimed"}


def anchors(text: str) -> set[str]:
    """Stems of the content words of a sentence (no stop words, no reporting words, no digits)."""
    return {stem(word) for word in tokens(text)
            if word not in STOP and word not in _GENERIC and len(word) > 2 and not word[0].isdigit()}


def reads_english(language: str | None) -> bool:
    """Whether the English models read a claim in ``language`` ("" = not known: read as before)."""
    return (language or "") in ENGLISH


def share_anchor(words_a: set[str], words_b: set[str], frames_a: set[str], frames_b: set[str]) -> bool:
    return bool(frames_a & frames_b) or len(words_a & words_b) >= MIN_SHARED_WORDS


def counted_kinds(numbers: Sequence[dict] | None) -> set[str]:
    return {str(q.get("kind") or q.get("unit")) for q in numbers or []}


def nearest_pairs(matrix: np.ndarray, outlets: Sequence[int], eligible: np.ndarray, sources: np.ndarray,
                  k: int = K_NEIGHBOURS, min_similarity: float = MIN_SIMILARITY) -> dict[tuple[int, int], float]:
    """{(i, j): cosine} with i < j: each row in ``sources`` with its ``k`` nearest eligible rows of other outlets.

    ``matrix`` holds unit vectors; ``eligible[j]`` says whether row j may be paired at all.
    """
    outlets = np.asarray(outlets)
    found: dict[tuple[int, int], float] = {}
    for start in range(0, len(sources), BLOCK_ROWS):
        rows = np.asarray(sources[start:start + BLOCK_ROWS])
        similarities = matrix[rows] @ matrix.T
        similarities[outlets[rows][:, None] == outlets[None, :]] = -1.0
        similarities[:, ~eligible] = -1.0
        take = min(k, similarities.shape[1])
        best = np.argpartition(-similarities, take - 1, axis=1)[:, :take]
        for offset, row in enumerate(rows):
            for column in best[offset]:
                similarity = float(similarities[offset, column])
                if similarity >= min_similarity:
                    found[(int(min(row, column)), int(max(row, column)))] = similarity
    return found
