"""The unit the relation model judges: a claim and the evidence it is compared with.

In the app both sides are claim sentences from two outlets; in FNC-1 the evidence is an
article body (many sentences); in Emergent an article headline; in SICK a sentence.
Labels use the app's vocabulary: agree / contradict / discusses / unrelated.
"""
from __future__ import annotations

from dataclasses import dataclass

LABELS = ("agree", "contradict", "discusses", "unrelated")
LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


@dataclass
class StancePair:
    claim: str
    evidence: str
    label: str | None = None
    group: str = ""          # validation group: pairs of one group are never split across train/validation
    source: str = ""         # fnc1 | emergent | sick | curator | app
    weight: float = 1.0
    evidence_is_document: bool = False
