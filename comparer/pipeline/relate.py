"""Relate: label pairs of claims from different outlets in one event.

``judge`` decides agree / contradict / discusses / unrelated for one pair, with a score and
a machine-readable reason (``negation``, ``numeric_mismatch``, ``antonym``,
``attribution_conflict``, ``model``). ``relate_event`` stores the decisions, never touching a
curator-locked relation, and skips pairs of syndicated copies (a copy is not a confirmation).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from comparer.models import Claim, ClaimRelation, Event

MIN_SIMILARITY = 0.45   # below this, a pair is not worth a relation row
AGREE_SIMILARITY = 0.70
NEGATION = re.compile(
    r"\b(not|no|never|none|nobody|neither|nor|without|didn't|did not|doesn't|don't|wasn't|weren't|isn't|aren't|"
    r"hasn't|haven't|hadn't|won't|cannot|can't|fail(?:s|ed)? to|den(?:y|ies|ied)|refut\w*|reject\w*|dismiss\w*|"
    r"false|fake|untrue|baseless)\b", re.IGNORECASE)
ANTONYMS = [("postponed", "held"), ("postponed", "took place"), ("attended", "did not show"),
            ("advanced", "retreated"), ("captured", "repelled"), ("seized", "repelled"), ("increase", "decrease"),
            ("rose", "fell"), ("won", "lost"), ("confirmed", "denied"), ("accepted", "rejected")]
HEDGES = re.compile(r"\b(reportedly|allegedly|claim(?:s|ed)?|according to|could not be (?:independently )?verified|"
                    r"unconfirmed|said to|appears?|if confirmed)\b", re.IGNORECASE)


@dataclass
class Judgement:
    label: str
    score: float
    reason: str
    details: dict = field(default_factory=dict)


def numeric_mismatch(numbers_a: list[dict], numbers_b: list[dict]) -> dict | None:
    """Both figures when the two claims give different values for the same kind of quantity."""
    for a in numbers_a:
        for b in numbers_b:
            same_unit = a["unit"] == b["unit"] or (a.get("what") and a.get("what") == b.get("what"))
            if not same_unit:
                continue
            low, high = sorted([float(a["value"]), float(b["value"])])
            if high > 0 and (high - low) / high > 0.1:
                return {"a": {"value": a["value"], "text": a["text"]}, "b": {"value": b["value"], "text": b["text"]},
                        "unit": a["unit"]}
    return None


def _negated(text: str) -> bool:
    return bool(NEGATION.search(text))


def _antonym(text_a: str, text_b: str) -> tuple[str, str] | None:
    a, b = text_a.lower(), text_b.lower()
    for left, right in ANTONYMS:
        if (left in a and right in b) or (right in a and left in b):
            return left, right
    return None


def judge(claim_a: Claim, claim_b: Claim, similarity: float) -> Judgement:
    if similarity < MIN_SIMILARITY:
        return Judgement("unrelated", 1 - similarity, "model")
    mismatch = numeric_mismatch(claim_a.numbers or [], claim_b.numbers or [])
    if mismatch and similarity >= 0.5:
        return Judgement("contradict", min(0.99, 0.6 + similarity / 3), "numeric_mismatch", mismatch)
    if _negated(claim_a.text) != _negated(claim_b.text) and similarity >= 0.6:
        return Judgement("contradict", min(0.95, similarity), "negation")
    antonym = _antonym(claim_a.text, claim_b.text)
    if antonym and similarity >= 0.55:
        return Judgement("contradict", min(0.9, similarity), "antonym", {"words": list(antonym)})
    if similarity >= AGREE_SIMILARITY:
        if HEDGES.search(claim_a.text) or HEDGES.search(claim_b.text):
            return Judgement("discusses", similarity, "model")
        return Judgement("agree", similarity, "model")
    return Judgement("unrelated", 1 - similarity, "model")


def _copies(claim_a: Claim, claim_b: Claim) -> bool:
    a, b = claim_a.article, claim_b.article
    return a.syndicated_copy_of_id == b.id or b.syndicated_copy_of_id == a.id or (
        a.syndicated_copy_of_id is not None and a.syndicated_copy_of_id == b.syndicated_copy_of_id)


def relate_event(event: Event, only_claim_ids: set[int] | None = None) -> int:
    """Judge every cross-outlet pair in the event that involves a new claim. Returns rows written."""
    claims = list(Claim.objects.filter(event=event, embedding__isnull=False, is_checkworthy=True)
                  .select_related("article"))
    if len(claims) < 2:
        return 0
    matrix = np.stack([np.asarray(c.embedding, dtype=np.float32) for c in claims])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    similarities = matrix @ matrix.T
    locked = set(ClaimRelation.objects.filter(event=event, locked=True).values_list("claim_a_id", "claim_b_id"))
    decided: list[ClaimRelation] = []
    for i, claim_a in enumerate(claims):
        for j in range(i + 1, len(claims)):
            claim_b = claims[j]
            if claim_a.article.outlet_id == claim_b.article.outlet_id:
                continue
            if only_claim_ids is not None and claim_a.id not in only_claim_ids and claim_b.id not in only_claim_ids:
                continue
            first, second = (claim_a, claim_b) if claim_a.id < claim_b.id else (claim_b, claim_a)
            if (first.id, second.id) in locked or _copies(first, second):
                continue
            verdict = judge(first, second, float(similarities[i, j]))
            if verdict.label == "unrelated":
                continue
            decided.append(ClaimRelation(event=event, claim_a=first, claim_b=second, label=verdict.label,
                                         score=round(verdict.score, 4), reason=verdict.reason,
                                         details=verdict.details, set_by=ClaimRelation.SetBy.MODEL))
    ClaimRelation.objects.bulk_create(
        decided, batch_size=500, update_conflicts=True, unique_fields=["claim_a", "claim_b"],
        update_fields=["event", "label", "score", "reason", "details"],
    )
    return len(decided)
