"""Three-way NLI benchmarks scored with the relate stage's NLI model: SNLI, RTE-3 and SICK.

A file holds premise / hypothesis / label rows (entailment, neutral, contradiction; SICK's own
column names and upper-case labels are read too). The model reads premise → hypothesis once and
its most probable label is scored: accuracy and the contradiction class's F1, the figures the
relation stage depends on (a contradiction shown to a researcher is an NLI contradiction).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from comparer.evaluation.fnc1 import DatasetError
from comparer.relations_model.nli_fit import NLI_LABELS

NAMES = {"snli": "SNLI", "rte3": "RTE3", "sick": "SICK"}


def load(path, limit: int | None = None, split: str | None = None) -> list[tuple[str, str, str]]:
    """(premise, hypothesis, label) rows; ``split`` keeps SICK rows whose ``SemEval_set`` matches."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        fields = reader.fieldnames or []
        if {"sentence_A", "sentence_B", "entailment_label"} <= set(fields):
            columns = ("sentence_A", "sentence_B", "entailment_label")
        elif {"premise", "hypothesis", "label"} <= set(fields):
            columns = ("premise", "hypothesis", "label")
        else:
            raise DatasetError(f"{path}: needs tab-separated columns premise, hypothesis, label (found {fields})")
        for number, row in enumerate(reader, start=2):
            if split and (row.get("SemEval_set") or "").strip().upper() != split.upper():
                continue
            premise, hypothesis, label = (row.get(c) or "" for c in columns)
            label = label.strip().lower()
            if label not in NLI_LABELS:
                raise DatasetError(f"{path} row {number}: unknown label {label!r} (expected one of {NLI_LABELS})")
            if not premise.strip() or not hypothesis.strip():
                raise DatasetError(f"{path} row {number}: empty premise or hypothesis")
            rows.append((premise, hypothesis, label))
            if limit and len(rows) >= limit:
                break
    if not rows:
        raise DatasetError(f"{path}: no rows{f' in split {split}' if split else ''}")
    return rows


def evaluate(path, *, benchmark: str, model=None, limit: int | None = None, split: str | None = None,
             progress: bool = False) -> list[str]:
    from comparer.evaluation import metrics
    from comparer.relations_model import nli

    rows = load(path, limit, split)
    proba = nli.predict([(p, h) for p, h, _ in rows], model=model, progress=progress)
    predicted = [NLI_LABELS[i] for i in np.argmax(proba, axis=1)]
    gold = [label for _, _, label in rows]
    per_class = metrics.per_class_f1(gold, predicted, NLI_LABELS)
    name = NAMES[benchmark]
    return [
        f"{name}: {len(rows)} pairs{f' ({split})' if split else ''}",
        metrics.format_confusion(metrics.confusion(gold, predicted, NLI_LABELS), NLI_LABELS),
        metrics.format_per_class(per_class),
        f"{name} acc: {metrics.accuracy(gold, predicted):.3f} contradiction-F1: {per_class['contradiction']['f1']:.3f}",
    ]
