"""The pairs a benchmark run got wrong, written out for error analysis.

``evaluate ... --errors FILE`` writes one tab-separated row per misclassified pair: gold and
predicted label (in the benchmark's vocabulary), the model's probability for each of the app's
labels, and both texts (a document is cut to its first ``EVIDENCE_CHARS`` characters). Reading
these rows is how systematic mistakes are found (a cue the models miss, a label convention of
the benchmark); the scores themselves do not change.
"""
from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from comparer.relations_model.pairs import LABELS, StancePair

EVIDENCE_CHARS = 600
COLUMNS = ("row", "gold", "predicted", *(f"p_{label}" for label in LABELS), "claim", "evidence")


def _one_line(text: str, limit: int | None = None) -> str:
    text = " ".join(text.split())
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def write_errors(path: Path | str, pairs: Sequence[StancePair], gold: Sequence[str], predicted: Sequence[str],
                 proba: np.ndarray) -> int:
    """Write the misclassified rows to ``path``; returns how many there were."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for row, (pair, expected, got, probabilities) in enumerate(zip(pairs, gold, predicted, proba)):
            if expected == got:
                continue
            count += 1
            writer.writerow([row, expected, got, *(f"{float(p):.3f}" for p in probabilities),
                             _one_line(pair.claim),
                             _one_line(pair.evidence, EVIDENCE_CHARS if pair.evidence_is_document else None)])
    return count


def error_lines(path: Path | str | None, pairs, gold, predicted, proba) -> list[str]:
    """Write the errors if a path was given, and the report line that says where they went."""
    if path is None:
        return []
    count = write_errors(path, pairs, gold, predicted, proba)
    return [f"{count} misclassified pairs written to {path}"]
