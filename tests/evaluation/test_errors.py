"""The error dump that ``evaluate --errors`` writes."""
import csv

import numpy as np

from comparer.evaluation.errors import EVIDENCE_CHARS, write_errors
from comparer.relations_model.pairs import StancePair


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_only_misclassified_rows_are_written_with_their_probabilities(tmp_path):
    pairs = [StancePair("A man is playing a guitar", "A man is not playing a guitar", "contradict"),
             StancePair("A dog runs in the park", "A dog is running in a park", "agree"),
             StancePair("Russian forces entered the region\ton Sunday", "Kyiv said\nthe line held", "contradict")]
    proba = np.array([[0.1, 0.8, 0.05, 0.05], [0.2, 0.1, 0.1, 0.6], [0.7, 0.2, 0.05, 0.05]])
    count = write_errors(tmp_path / "e.tsv", pairs, ["CONTRADICTION", "ENTAILMENT", "CONTRADICTION"],
                         ["CONTRADICTION", "NEUTRAL", "ENTAILMENT"], proba)
    rows = _rows(tmp_path / "e.tsv")
    assert count == 2 and [row["row"] for row in rows] == ["1", "2"]
    assert rows[0]["gold"] == "ENTAILMENT" and rows[0]["predicted"] == "NEUTRAL"
    assert rows[0]["p_unrelated"] == "0.600" and rows[0]["p_agree"] == "0.200"
    # Tabs and newlines inside a text do not break the row.
    assert rows[1]["claim"] == "Russian forces entered the region on Sunday"
    assert rows[1]["evidence"] == "Kyiv said the line held"


def test_a_long_document_is_cut(tmp_path):
    body = "The exchange was postponed. " * 100
    pairs = [StancePair("The exchange took place", body, "contradict", evidence_is_document=True)]
    write_errors(tmp_path / "e.tsv", pairs, ["disagree"], ["discuss"], np.array([[0.1, 0.2, 0.6, 0.1]]))
    evidence = _rows(tmp_path / "e.tsv")[0]["evidence"]
    assert len(evidence) == EVIDENCE_CHARS + 1 and evidence.endswith("…")
    assert evidence.startswith("The exchange was postponed. The exchange")
