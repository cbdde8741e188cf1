"""FNC-1 (Fake News Challenge stage 1): headline vs article body stance.

Stances map to the app's labels: agree → agree, disagree → contradict, discuss → discusses,
unrelated → unrelated. Validation groups are the connected components of headlines and
bodies linked by related pairs, so no headline or body appears on both sides of a split.
"""
from __future__ import annotations

import csv
from pathlib import Path

from comparer.relations_model.pairs import StancePair

TO_APP = {"agree": "agree", "disagree": "contradict", "discuss": "discusses", "unrelated": "unrelated"}
FROM_APP = {app: fnc for fnc, app in TO_APP.items()}
FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")


class DatasetError(Exception):
    """A dataset file that is missing or not in the expected format."""


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    if not Path(path).is_file():
        raise DatasetError(f"{path}: no such file")
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}; found {reader.fieldnames}")
        return list(reader)


def load(bodies_path, stances_path, limit: int | None = None) -> list[StancePair]:
    bodies = {row["Body ID"]: row["articleBody"] for row in _read_csv(bodies_path, ("Body ID", "articleBody"))}
    rows = _read_csv(stances_path, ("Headline", "Body ID"))
    if limit:
        rows = rows[:limit]
    groups = claim_groups(rows)
    pairs = []
    for number, row in enumerate(rows, start=2):
        if row["Body ID"] not in bodies:
            raise DatasetError(f"{stances_path} row {number}: Body ID {row['Body ID']} is not in {bodies_path}")
        stance = (row.get("Stance") or "").strip().lower() or None
        if stance is not None and stance not in TO_APP:
            raise DatasetError(f"{stances_path} row {number}: unknown stance {stance!r}")
        headline_group, body_group = groups[("h", row["Headline"])], groups[("b", row["Body ID"])]
        pairs.append(StancePair(
            claim=row["Headline"], evidence=bodies[row["Body ID"]], label=TO_APP.get(stance) if stance else None,
            # A pair whose headline and body sit in different components straddles a split; it gets
            # a group that no split can keep (see ``straddles``).
            group=headline_group if headline_group == body_group else f"{headline_group}|{body_group}",
            source="fnc1", evidence_is_document=True,
        ))
    return pairs


def claim_groups(rows: list[dict]) -> dict[tuple[str, str], str]:
    """Component id for every headline ("h", text) and body ("b", id), linked by related pairs."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for row in rows:
        headline, body = ("h", row["Headline"]), ("b", row["Body ID"])
        find(headline), find(body)
        if (row.get("Stance") or "").strip().lower() not in ("", "unrelated"):
            root_a, root_b = find(headline), find(body)
            if root_a != root_b:
                parent[root_a] = root_b
    roots: dict[tuple[str, str], str] = {}
    return {node: roots.setdefault(find(node), f"fnc{len(roots)}") for node in list(parent)}


def straddles(pair: StancePair) -> bool:
    return "|" in pair.group


def pair_in(pair: StancePair, chosen: set[str]) -> bool | None:
    """True if every component of the pair is in ``chosen``, False if none is, None if it straddles."""
    parts = pair.group.split("|")
    inside = [part in chosen for part in parts]
    if all(inside):
        return True
    if not any(inside):
        return False
    return None


def evaluate(bodies_path, stances_path, *, model, encode, limit: int | None = None, progress: bool = False,
             errors=None) -> list[str]:
    """Report lines for a labelled FNC-1 file; the last is the benchmark's summary line.

    Misclassified pairs are written to ``errors`` if given.
    """
    from comparer.evaluation import metrics
    from comparer.evaluation.errors import error_lines
    from comparer.relations_model import restricted_argmax
    from comparer.relations_model.pairs import LABELS

    pairs = load(bodies_path, stances_path, limit)
    unlabelled = sum(1 for pair in pairs if pair.label is None)
    if unlabelled:
        raise DatasetError(f"{stances_path}: {unlabelled} rows have no Stance; scoring needs gold labels")
    proba = model.predict_proba(pairs, encode, progress)
    predicted = [FROM_APP[label] for label in restricted_argmax(proba, LABELS)]
    gold = [FROM_APP[pair.label] for pair in pairs]
    score, best = metrics.fnc_score(gold, predicted)
    per_class = metrics.per_class_f1(gold, predicted, FNC_LABELS)
    macro = metrics.macro_f1(per_class)
    return [
        f"FNC-1: {len(pairs)} pairs, {len({p.evidence for p in pairs})} bodies",
        metrics.format_confusion(metrics.confusion(gold, predicted, FNC_LABELS), FNC_LABELS),
        metrics.format_per_class(per_class),
        f"weighted score {score:.2f} of {best:.2f}",
        *error_lines(errors, pairs, gold, predicted, proba),
        f"FNC-1 score: {100 * score / best:.2f}% macro-F1: {macro:.3f} disagree-F1: {per_class['disagree']['f1']:.3f}",
    ]
