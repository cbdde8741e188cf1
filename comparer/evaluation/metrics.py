"""Scores as each benchmark defines them, plus a plain-text confusion matrix."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

RELATED = ("agree", "disagree", "discuss")


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """(score, best possible score) with the official FNC-1 weights on FNC labels."""
    score = best = 0.0
    for g, p in zip(gold, predicted):
        best += 0.25 if g == "unrelated" else 1.0
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
            if g != "unrelated" and g == p:
                score += 0.75
    return score, best


# Label counts of the FNC-1 competition test set, as published with it (Hanselowski et al. 2018,
# table 1): only these totals, no test row, are used here.
FNC_TEST_LABEL_COUNTS = {"agree": 1903, "disagree": 697, "discuss": 4464, "unrelated": 18349}


def fnc_score_at_label_mix(gold: Sequence[str], predicted: Sequence[str],
                           counts: dict[str, int] = FNC_TEST_LABEL_COUNTS) -> float | None:
    """The FNC-1 score in percent if each gold label's rows were ``counts`` times as many.

    A claim-grouped hold-out keeps far fewer unrelated pairs (41%) than the competition test
    set (72%), and unrelated pairs are the easy quarter-point ones, so its raw score is not
    comparable with a test score; this re-weights each gold label's rows to the test's mix.
    ``None`` when a label has no rows to take its rate from.
    """
    score = best = 0.0
    for label, count in counts.items():
        rows = [p for g, p in zip(gold, predicted) if g == label]
        if not rows:
            return None
        related_right = sum((p == "unrelated") == (label == "unrelated") for p in rows) / len(rows)
        exact = sum(p == label for p in rows) / len(rows)
        related = label != "unrelated"
        score += count * (0.25 * related_right + (0.75 * exact if related else 0.0))
        best += count * (1.0 if related else 0.25)
    return 100 * score / best


def confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    counts = Counter(zip(gold, predicted))
    return [[counts[(g, p)] for p in labels] for g in labels]


def per_class_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, dict]:
    result = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return result


def macro_f1(per_class: dict[str, dict]) -> float:
    return sum(item["f1"] for item in per_class.values()) / len(per_class) if per_class else 0.0


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0


def b_cubed(gold_groups: Sequence, predicted_groups: Sequence) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a predicted grouping against the gold one."""
    n = len(gold_groups)
    if n == 0:
        return 0.0, 0.0, 0.0
    by_gold, by_pred, both = defaultdict(int), defaultdict(int), defaultdict(int)
    for g, p in zip(gold_groups, predicted_groups):
        by_gold[g] += 1
        by_pred[p] += 1
        both[(g, p)] += 1
    precision = sum(both[(g, p)] / by_pred[p] for g, p in zip(gold_groups, predicted_groups)) / n
    recall = sum(both[(g, p)] / by_gold[g] for g, p in zip(gold_groups, predicted_groups)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def format_confusion(matrix: list[list[int]], labels: Sequence[str]) -> str:
    width = max(10, *(len(label) + 2 for label in labels))
    lines = ["gold \\ predicted".ljust(width + 6) + "".join(label.rjust(width) for label in labels)]
    for label, row in zip(labels, matrix):
        lines.append(label.ljust(width + 6) + "".join(str(value).rjust(width) for value in row))
    return "\n".join(lines)


def format_per_class(per_class: dict[str, dict]) -> str:
    lines = [f"{'class':<16}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}"]
    for label, item in per_class.items():
        lines.append(f"{label:<16}{item['precision']:>10.3f}{item['recall']:>10.3f}{item['f1']:>8.3f}"
                     f"{item['support']:>9}")
    return "\n".join(lines)
