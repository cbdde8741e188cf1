"""Cross-lingual retrieval on aligned translations (XNLI's premises, or any aligned TSV files).

A directory holds one tab-separated file per language, ``<split>-<lang>.tsv``, with a ``premise``
column (other columns are ignored), row *i* of every file being the same text translated. XNLI
repeats each premise for three hypotheses, so each premise is taken once: the rows where the English
premise first appears. For each of those premises in language X, the question is whether the
nearest neighbour (cosine of the multilingual vectors) among *all* the unique English premises is
its own translation: retrieval@1, the share of premises for which it is.

This is how the analysis matches a Russian or Ukrainian claim with the English claim stating the
same thing (``comparer.pipeline.multilingual``); the figure is measured, never trained on.
"""
from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from comparer.evaluation.fnc1 import DatasetError

PIVOT = "en"


@dataclass
class PairScore:
    language: str
    premises: int
    retrieval_at_1: float
    sentences_per_second: float


def read_premises(directory: Path | str, split: str, language: str) -> list[str]:
    path = Path(directory) / f"{split}-{language}.tsv"
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (expected <split>-<lang>.tsv with a 'premise' column)")
    csv.field_size_limit(1 << 24)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if "premise" not in (reader.fieldnames or []):
            raise DatasetError(f"{path}: no 'premise' column (columns: {', '.join(reader.fieldnames or [])})")
        return [(row.get("premise") or "").strip() for row in reader]


def unique_rows(premises: Sequence[str], limit: int | None = None) -> list[int]:
    """Indexes of the first row of each distinct non-empty premise, in file order."""
    seen: set[str] = set()
    rows = []
    for index, premise in enumerate(premises):
        if premise and premise not in seen:
            seen.add(premise)
            rows.append(index)
            if limit is not None and len(rows) >= limit:
                break
    return rows


def retrieval_at_1(queries: np.ndarray, targets: np.ndarray) -> float:
    """Share of rows i whose nearest target (dot product of unit vectors) is target i."""
    if not len(queries):
        return 0.0
    nearest = np.argmax(queries @ targets.T, axis=1)
    return float(np.mean(nearest == np.arange(len(queries))))


def evaluate(directory: Path | str, languages: Sequence[str], *, split: str = "dev", limit: int | None = None,
             encode: Callable[[list[str]], np.ndarray] | None = None) -> list[str]:
    """Lines to print; the last one is ``XNLI retrieval@1 en-ru: 0.NNN en-de: 0.NNN ...``."""
    if encode is None:
        from comparer.pipeline import multilingual

        encode = multilingual.encode
    others = [language for language in dict.fromkeys(languages) if language != PIVOT]
    if not others:
        raise DatasetError("--languages needs at least one language besides en")
    english = read_premises(directory, split, PIVOT)
    rows = unique_rows(english, limit)
    texts = {PIVOT: [english[i] for i in rows]}
    for language in others:
        premises = read_premises(directory, split, language)
        if len(premises) != len(english):
            raise DatasetError(f"{split}-{language}.tsv has {len(premises)} rows, {split}-en.tsv {len(english)}: "
                               "the files must be aligned row by row")
        texts[language] = [premises[i] for i in rows]
    vectors, speed = {}, {}
    for language, batch in texts.items():
        started = time.perf_counter()
        vectors[language] = np.asarray(encode(batch), dtype=np.float32)
        speed[language] = len(batch) / max(time.perf_counter() - started, 1e-9)
    scores = [PairScore(language, len(rows), retrieval_at_1(vectors[language], vectors[PIVOT]), speed[language])
              for language in others]
    lines = [f"{len(rows)} unique premises per language ({split}); English encoded at {speed[PIVOT]:.0f} sentences/s"]
    for score in scores:
        reverse = retrieval_at_1(vectors[PIVOT], vectors[score.language])
        lines.append(f"en-{score.language}: {score.language}→en retrieval@1 {score.retrieval_at_1:.3f} "
                     f"(en→{score.language} {reverse:.3f}), encoded at {score.sentences_per_second:.0f} sentences/s")
    lines.append("XNLI retrieval@1 " + " ".join(f"en-{s.language}: {s.retrieval_at_1:.3f}" for s in scores))
    return lines
