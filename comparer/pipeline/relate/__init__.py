"""Relate: which claims of different outlets agree, and which contradict each other.

Three steps, one module each:

1. ``align``: pair each claim with at most k nearest claims of other outlets in its event that
   share an anchor (a quantity frame or content words), skipping copies and curated pairs;
2. ``frames`` and the NLI model (``comparer.relations_model.nli``) read each aligned pair;
3. ``decide``: agree (mutual entailment, or the same figure in the same frame), contradict
   (a confident NLI contradiction, or conflicting figures in one frame), or nothing.

``relate_event`` stores the agreements and contradictions as ``ClaimRelation`` rows. It never
touches a curator-locked relation; a full run (``only_claim_ids=None``) first removes the
event's other machine relations, so a pair the current code no longer relates is not left
behind. "Neither" is the normal case and is not stored.
"""
from __future__ import annotations

import numpy as np

from comparer.models import Claim, ClaimRelation, Event
from comparer.pipeline.relate import align
from comparer.pipeline.relate.decide import Judgement, judge

__all__ = ["Judgement", "judge", "judge_texts", "relate_event"]


def judge_texts(pairs: list[tuple[str, str]], progress: bool = False, **thresholds) -> list[Judgement | None]:
    """``judge`` for plain sentence pairs (the evaluation's path), with the NLI model read in one batch."""
    from comparer.relations_model import nli

    model = nli.load_nli()
    readings = nli.pair_readings(pairs, model=model, progress=progress) if model is not None else [None] * len(pairs)
    return [judge(a, b, reading, **thresholds) for (a, b), reading in zip(pairs, readings)]


def _repeated_from_original(claims: list[Claim]) -> np.ndarray:
    """A syndicated copy's sentence that its original also has is the original's claim, repeated."""
    sentences = {(claim.article_id, claim.text_hash) for claim in claims}
    return np.array([claim.article.syndicated_copy_of_id is not None
                     and (claim.article.syndicated_copy_of_id, claim.text_hash) in sentences for claim in claims],
                    dtype=bool)


def _copies(claim_a: Claim, claim_b: Claim) -> bool:
    a, b = claim_a.article, claim_b.article
    return a.syndicated_copy_of_id == b.id or b.syndicated_copy_of_id == a.id or (
        a.syndicated_copy_of_id is not None and a.syndicated_copy_of_id == b.syndicated_copy_of_id)


def aligned_pairs(claims: list[Claim], matrix: np.ndarray, only_claim_ids: set[int] | None,
                  locked: set[tuple[int, int]], k: int = align.K_NEIGHBOURS) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for the pairs ``align`` keeps, new claims' pairs only when ``only_claim_ids`` is given."""
    eligible = ~_repeated_from_original(claims)
    rows = [i for i, claim in enumerate(claims)
            if eligible[i] and (only_claim_ids is None or claim.id in only_claim_ids)]
    near = align.nearest_pairs(matrix, [c.article.outlet_id for c in claims], eligible, np.array(rows, dtype=int), k=k)
    words: dict[int, set[str]] = {}
    kinds: dict[int, set[str]] = {}
    pairs = []
    for (i, j), similarity in sorted(near.items()):
        a, b = claims[i], claims[j]
        key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if key in locked or _copies(a, b):
            continue
        for index in (i, j):
            if index not in words:
                words[index] = align.anchors(claims[index].text)
                kinds[index] = align.counted_kinds(claims[index].numbers)
        if align.share_anchor(words[i], words[j], kinds[i], kinds[j]):
            pairs.append((i, j, similarity))
    return pairs


def relate_event(event: Event, only_claim_ids: set[int] | None = None, progress: bool = False) -> int:
    """Judge the event's aligned pairs that involve a new claim (all of them when ``None``). Returns rows written."""
    from comparer.pipeline import embed
    from comparer.relations_model import nli

    claims = embed.with_vectors(Claim.objects.filter(event=event, embedding__isnull=False, is_checkworthy=True)
                                .select_related("article", "article__outlet")
                                .defer("article__text", "article__standfirst", "article__metadata"))
    if only_claim_ids is None:
        ClaimRelation.objects.filter(event=event, locked=False, set_by=ClaimRelation.SetBy.MODEL).delete()
    if len(claims) < 2:
        return 0
    matrix = np.stack([np.asarray(c.embedding, dtype=np.float32) for c in claims])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    locked = set(ClaimRelation.objects.filter(locked=True, claim_a__in=claims).values_list("claim_a_id", "claim_b_id"))
    pairs = aligned_pairs(claims, matrix, only_claim_ids, locked)
    ordered = [(claims[i], claims[j], similarity) if claims[i].id < claims[j].id else (claims[j], claims[i], similarity)
               for i, j, similarity in pairs]
    model = nli.load_nli()
    texts = [(first.text, second.text) for first, second, _ in ordered]
    readings = nli.pair_readings(texts, model=model, progress=progress) if model is not None else [None] * len(texts)
    decided: list[ClaimRelation] = []
    for (first, second, similarity), reading in zip(ordered, readings):
        verdict = judge(first.text, second.text, reading)
        if verdict is None:
            continue
        if verdict.reason == ClaimRelation.Reason.NUMERIC_MISMATCH:
            verdict.details["a"]["outlet"] = first.article.outlet.name
            verdict.details["b"]["outlet"] = second.article.outlet.name
        decided.append(ClaimRelation(event=event, claim_a=first, claim_b=second, label=verdict.label,
                                     score=round(verdict.score, 4), reason=verdict.reason,
                                     details=verdict.details | {"similarity": round(similarity, 3)},
                                     set_by=ClaimRelation.SetBy.MODEL))
    ClaimRelation.objects.bulk_create(
        decided, batch_size=500, update_conflicts=True, unique_fields=["claim_a", "claim_b"],
        update_fields=["event", "label", "score", "reason", "details"],
    )
    return len(decided)
