"""Emergent (Ferreira & Vlachos 2016): article headlines grouped by the claim they report.

Stance of an article headline towards its claim maps to the app's labels: for → agree,
against → contradict, observing → discusses. ``claimId`` is the gold grouping; it is used for
validation splits and B-cubed scoring only, never as an input.
"""
from __future__ import annotations

from dataclasses import dataclass

from comparer.evaluation.fnc1 import DatasetError, _read_csv
from comparer.relations_model.pairs import StancePair

TO_APP = {"for": "agree", "against": "contradict", "observing": "discusses"}
FROM_APP = {app: emergent for emergent, app in TO_APP.items()}
EMERGENT_LABELS = ("for", "against", "observing")


@dataclass
class EmergentRow:
    claim: str
    headline: str
    stance: str
    claim_id: str
    article_id: str


def load_rows(path, limit: int | None = None) -> list[EmergentRow]:
    rows = _read_csv(path, ("claimHeadline", "articleHeadline", "articleHeadlineStance", "claimId"))
    if limit:
        rows = rows[:limit]
    out = []
    for number, row in enumerate(rows, start=2):
        stance = row["articleHeadlineStance"].strip().lower()
        if stance not in TO_APP:
            raise DatasetError(f"{path} row {number}: unknown stance {stance!r}")
        out.append(EmergentRow(claim=row["claimHeadline"], headline=row["articleHeadline"], stance=stance,
                               claim_id=row["claimId"], article_id=row.get("articleId", "")))
    return out


def to_pairs(rows: list[EmergentRow]) -> list[StancePair]:
    return [StancePair(claim=row.claim, evidence=row.headline, label=TO_APP[row.stance], group=row.claim_id,
                       source="emergent") for row in rows]


def load(path, limit: int | None = None) -> list[StancePair]:
    return to_pairs(load_rows(path, limit))


def evaluate(path, *, model, encode, limit: int | None = None, progress: bool = False, errors=None) -> list[str]:
    """Stance accuracy, and B-cubed scores of clustering the headlines without ``claimId``.

    Misclassified stances are written to ``errors`` if given.
    """
    from comparer.evaluation import metrics
    from comparer.evaluation.errors import error_lines
    from comparer.pipeline.propositions import group_propositions
    from comparer.relations_model import restricted_argmax

    rows = load_rows(path, limit)
    pairs = to_pairs(rows)
    proba = model.predict_proba(pairs, encode, progress)
    predicted = [FROM_APP[label] for label in restricted_argmax(proba, ("agree", "contradict", "discusses"))]
    gold = [row.stance for row in rows]
    per_class = metrics.per_class_f1(gold, predicted, EMERGENT_LABELS)
    headlines = [row.headline for row in rows]
    groups = group_propositions(headlines, encode(headlines), model.analyzer)
    precision, recall, f1 = metrics.b_cubed([row.claim_id for row in rows], groups)
    return [
        f"Emergent: {len(rows)} headlines, {len({row.claim_id for row in rows})} gold claims, "
        f"{len(set(groups))} predicted groups",
        metrics.format_confusion(metrics.confusion(gold, predicted, EMERGENT_LABELS), EMERGENT_LABELS),
        metrics.format_per_class(per_class),
        f"clustering B3 precision {precision:.3f} recall {recall:.3f}",
        *error_lines(errors, pairs, gold, predicted, proba),
        f"Emergent stance-acc: {metrics.accuracy(gold, predicted):.3f} B3-F1: {f1:.3f}",
    ]
