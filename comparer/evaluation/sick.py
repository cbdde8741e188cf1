"""SICK: sentence pairs labelled ENTAILMENT / NEUTRAL / CONTRADICTION, as the stance model's training rows.

``evaluate sick`` scores the relate stage's NLI model on SICK (``nli_sets``); this loader gives
``train_relations`` SICK's pairs in the stance model's vocabulary.

Labels map to the app's: ENTAILMENT → agree, CONTRADICTION → contradict, NEUTRAL → unrelated
(neither follows from the other, so the app stores no relation for such a pair).
"""
from __future__ import annotations

import csv
from pathlib import Path

from comparer.evaluation.fnc1 import DatasetError
from comparer.relations_model.pairs import StancePair

TO_APP = {"ENTAILMENT": "agree", "CONTRADICTION": "contradict", "NEUTRAL": "unrelated"}
FROM_APP = {app: sick for sick, app in TO_APP.items()}
SICK_LABELS = ("ENTAILMENT", "CONTRADICTION", "NEUTRAL")


def load(path, split: str | None = None, limit: int | None = None) -> list[StancePair]:
    """Pairs from a SICK file; ``split`` keeps only rows whose ``SemEval_set`` is TRAIN, TRIAL or TEST."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        required = ("pair_ID", "sentence_A", "sentence_B", "entailment_label")
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}; is it a tab-separated SICK file?")
        pairs = []
        for number, row in enumerate(reader, start=2):
            if split and (row.get("SemEval_set") or "").strip().upper() != split.upper():
                continue
            label = (row["entailment_label"] or "").strip().upper()
            if label not in TO_APP:
                raise DatasetError(f"{path} row {number}: unknown entailment_label {label!r}")
            pairs.append(StancePair(claim=row["sentence_A"], evidence=row["sentence_B"], label=TO_APP[label],
                                    group=f"sick{row['pair_ID']}", source="sick"))
            if limit and len(pairs) >= limit:
                break
    return pairs
