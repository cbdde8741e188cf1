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
from comparer.pipeline.relate import align, frames
from comparer.pipeline.relate.decide import (AGREE_MIN, CONTRADICT_MIN, NUMERIC_MISMATCH_SCORE, SAME_FIGURE_SCORE,
                                             Judgement, judge, negates_the_other, same_sentence)

__all__ = ["Judgement", "judge", "judge_across_languages", "judge_texts", "relate_event"]


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
                  locked: set[tuple[int, int]], k: int = align.K_NEIGHBOURS,
                  english: np.ndarray | None = None) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for the pairs ``align`` keeps, new claims' pairs only when ``only_claim_ids`` is given.

    Only claims the English model reads (``english``; all of them when not given) are paired here;
    ``cross_language_pairs`` pairs the others."""
    eligible = ~_repeated_from_original(claims)
    if english is not None:
        eligible &= english
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


def cross_language_pairs(claims: list[Claim], english: np.ndarray, only_claim_ids: set[int] | None,
                         locked: set[tuple[int, int]], k: int = align.K_NEIGHBOURS) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for pairs with a claim the English model cannot read, aligned on the
    multilingual vectors (``align.X_MIN_SIMILARITY``): each such claim with its ``k`` nearest claims
    of other outlets, and each English claim with its ``k`` nearest such claims. Content words do not
    carry across languages, so the vectors alone (and the bound k) decide."""
    from comparer.pipeline.cluster import load_xvectors

    load_xvectors(claims)
    has_vector = np.array([c.xvector is not None for c in claims], dtype=bool)
    if not has_vector.any():
        return []
    matrix = np.stack([np.asarray(c.xvector, dtype=np.float32) if c.xvector is not None
                       else np.zeros(len(next(x.xvector for x in claims if x.xvector is not None)), dtype=np.float32)
                       for c in claims])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    eligible = ~_repeated_from_original(claims) & has_vector
    outlets = [c.article.outlet_id for c in claims]
    wanted = [i for i, claim in enumerate(claims) if only_claim_ids is None or claim.id in only_claim_ids]
    foreign = np.array([i for i in wanted if not english[i] and eligible[i]], dtype=int)
    native = np.array([i for i in wanted if english[i] and eligible[i]], dtype=int)
    near = align.nearest_pairs(matrix, outlets, eligible, foreign, k=k, min_similarity=align.X_MIN_SIMILARITY)
    near.update(align.nearest_pairs(matrix, outlets, eligible & ~english, native, k=k,
                                    min_similarity=align.X_MIN_SIMILARITY))
    pairs = []
    for (i, j), similarity in sorted(near.items()):
        a, b = claims[i], claims[j]
        key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if (english[i] and english[j]) or key in locked or _copies(a, b):
            continue
        pairs.append((i, j, similarity))
    return pairs


def judge_across_languages(first: Claim, second: Claim) -> Judgement | None:
    """A pair the NLI model cannot read (it is English-only): only figures decide. Two figures in
    one quantity frame that cannot both be true are a ``numeric_mismatch``; the same figure is a
    ``same_figure`` agreement; anything else stays aligned but not judged (nothing is stored, and
    the comparison page says so)."""
    from comparer.pipeline.relate import frames

    figures = frames.compare(first.text, second.text)
    if figures is None:
        return None
    label, details = figures
    details = details | {"languages": [first.language or "", second.language or ""], "cross_language": True}
    if label == "contradict":
        return Judgement("contradict", NUMERIC_MISMATCH_SCORE, ClaimRelation.Reason.NUMERIC_MISMATCH, details)
    return Judgement("agree", SAME_FIGURE_SCORE, ClaimRelation.Reason.SAME_FIGURE, details)


def relate_event(event: Event, only_claim_ids: set[int] | None = None, progress: bool = False) -> int:
    """Judge the event's aligned pairs that involve a new claim (all of them when ``None``). Returns rows written."""
    from comparer.pipeline import embed
    from comparer.relations_model import nli

    claims = embed.with_vectors(Claim.objects.filter(event=event, embedding__isnull=False, is_checkworthy=True)
                                .select_related("article", "article__outlet")
                                .defer("article__text", "article__standfirst", "article__metadata", "xvector"))
    if only_claim_ids is None:
        ClaimRelation.objects.filter(event=event, locked=False, set_by=ClaimRelation.SetBy.MODEL).delete()
    if len(claims) < 2:
        return 0
    matrix = np.stack([np.asarray(c.embedding, dtype=np.float32) for c in claims])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    locked = set(ClaimRelation.objects.filter(locked=True, claim_a__in=claims).values_list("claim_a_id", "claim_b_id"))
    english = np.array([align.reads_english(c.language) for c in claims], dtype=bool)
    pairs = aligned_pairs(claims, matrix, only_claim_ids, locked, english=english)
    crossing = cross_language_pairs(claims, english, only_claim_ids, locked) if not english.all() else []
    ordered = [(claims[i], claims[j], similarity) if claims[i].id < claims[j].id else (claims[j], claims[i], similarity)
               for i, j, similarity in pairs]
    model = nli.load_nli()
    texts = [(first.text, second.text) for first, second, _ in ordered]
    # The same sentence twice is an agreement, and figures that cannot both be true are a
    # contradiction, whatever the model says (``decide``): neither is read.
    unread = [i for i, (a, b) in enumerate(texts)
              if model is None or not (same_sentence(a, b) or frames.figures_conflict(a, b))]
    readings: list = [None] * len(texts)
    if model is not None:
        read = nli.pair_readings([texts[i] for i in unread], model=model, progress=progress,
                                 decide_at=(AGREE_MIN, CONTRADICT_MIN),
                                 may_contradict=[negates_the_other(*texts[i]) for i in unread])
        for i, reading in zip(unread, read):
            readings[i] = reading
    # Pairs the English NLI model cannot read are judged on their figures alone (``judge_across_languages``).
    ordered += [(claims[i], claims[j], similarity) if claims[i].id < claims[j].id
                else (claims[j], claims[i], similarity) for i, j, similarity in crossing]
    readings += [None] * len(crossing)
    verdicts = [judge(first.text, second.text, reading) if index < len(texts) else judge_across_languages(first, second)
                for index, ((first, second, _), reading) in enumerate(zip(ordered, readings))]
    decided: list[ClaimRelation] = []
    for (first, second, similarity), verdict in zip(ordered, verdicts):
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
