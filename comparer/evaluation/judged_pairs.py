"""Judged sentence pairs (agree / contradict / none), scored through the relate stage's decision.

A file has tab-separated columns ``a``, ``b``, ``label`` (others ignored), like the frozen dev pack
in ``comparer/evaluation/devpack/pairs.tsv``. Every pair goes through ``relate.judge_texts``: the
quantity frames and the NLI model, both ways, at the shipped operating points. The report gives
precision, recall and F1 per label and the precision/recall curve of each label's threshold, so
an operating point can be chosen for precision.
"""
from __future__ import annotations

import csv
from pathlib import Path

from comparer.evaluation.fnc1 import DatasetError

PAIR_LABELS = ("agree", "contradict", "none")
CURVE_POINTS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def load(path, limit: int | None = None) -> list[tuple[str, str, str]]:
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"a", "b", "label"} - set(reader.fieldnames or [])
        if missing:
            raise DatasetError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        rows = []
        for number, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip().lower()
            if label not in PAIR_LABELS:
                raise DatasetError(f"{path} row {number}: unknown label {label!r} (expected {PAIR_LABELS})")
            rows.append((row["a"], row["b"], label))
            if limit and len(rows) >= limit:
                break
    if not rows:
        raise DatasetError(f"{path}: no pairs")
    return rows


def _precision_recall(gold: list[str], predicted: list[str], label: str) -> tuple[float, float, float, int]:
    tp = sum(g == label and p == label for g, p in zip(gold, predicted))
    shown = sum(p == label for p in predicted)
    actual = sum(g == label for g in gold)
    precision = tp / shown if shown else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, shown


def predict(rows, progress: bool = False, **thresholds) -> list[str]:
    from comparer.pipeline.relate import judge_texts

    verdicts = judge_texts([(a, b) for a, b, _ in rows], progress=progress, **thresholds)
    return [verdict.label if verdict else "none" for verdict in verdicts]


def curve_lines(rows, gold: list[str]) -> list[str]:
    """Precision/recall of each label as its threshold moves (the other left at its shipped value)."""
    from comparer.pipeline.relate import decide, judge
    from comparer.relations_model import nli

    readings = nli.pair_readings([(a, b) for a, b, _ in rows])
    lines = ["threshold curve (label: threshold precision recall shown)"]
    for label, name in (("contradict", "contradict_min"), ("agree", "agree_min")):
        points = []
        for threshold in CURVE_POINTS:
            predicted = [(v.label if v else "none") for v in
                         (judge(a, b, r, **{name: threshold}) for (a, b, _), r in zip(rows, readings))]
            precision, recall, _, shown = _precision_recall(gold, predicted, label)
            points.append(f"{threshold:.2f} {precision:.3f} {recall:.3f} {shown}")
        shipped = decide.CONTRADICT_MIN if label == "contradict" else decide.AGREE_MIN
        lines.append(f"  {label} (shipped {shipped:.2f}): " + " | ".join(points))
    return lines


def evaluate(path, *, limit: int | None = None, progress: bool = False, curve: bool = True,
             errors: Path | None = None) -> list[str]:
    from comparer.evaluation import metrics

    rows = load(path, limit)
    gold = [label for _, _, label in rows]
    predicted = predict(rows, progress=progress)
    lines = [f"PAIRS: {len(rows)} pairs ({', '.join(f'{label} {gold.count(label)}' for label in PAIR_LABELS)})",
             metrics.format_confusion(metrics.confusion(gold, predicted, PAIR_LABELS), PAIR_LABELS)]
    scores = {}
    for label in ("agree", "contradict"):
        precision, recall, f1, shown = _precision_recall(gold, predicted, label)
        scores[label] = (precision, recall, f1)
        lines.append(f"{label}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} (shown {shown})")
    if curve:
        lines += curve_lines(rows, gold)
    if errors:
        with open(errors, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t")
            writer.writerow(["gold", "predicted", "a", "b"])
            writer.writerows([g, p, a, b] for (a, b, g), p in zip(rows, predicted) if g != p)
    lines.append(f"PAIRS agree-F1: {scores['agree'][2]:.3f} contradict-F1: {scores['contradict'][2]:.3f} "
                 f"contradict-precision: {scores['contradict'][0]:.3f}")
    return lines
