"""The relate stage's rules on benchmark sentence pairs, so the figures describe what the app decides.

The app labels a claim pair with ``relate.judge``: confident rules first (numeric mismatch, plain
negation, incompatible accounts of one happening, a denial of what the other sentence asserts; a
description beside a denial it says nothing about, or beside a report of what happened in the place
it describes, is unrelated), then the model, whose contradiction is
overruled for a paraphrase or when it is not the more likely reading, and whose agreement or
contradiction with a report of the parties' dispute becomes *discusses*, as does an agreement between
sentences that do not state one proposition (``relate.agreement_overruled``). ``with_app_rules`` applies
the same decisions to the model's probabilities for sentence pairs (SICK, Emergent headlines), with
the sentences grouped into propositions as the app groups an event's claims.
Document pairs (FNC-1 bodies) are left as the model reads them: the rules compare two sentences.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from comparer.relations_model.pairs import StancePair


def with_app_rules(pairs: Sequence[StancePair], proba: np.ndarray,
                   encode: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
    from comparer.pipeline.propositions import group_propositions
    from comparer.pipeline.relate import apply_rules

    rows = [i for i, pair in enumerate(pairs) if not pair.evidence_is_document]
    if not rows:
        return proba
    texts_a, texts_b = [pairs[i].claim for i in rows], [pairs[i].evidence for i in rows]
    texts = list(dict.fromkeys(texts_a + texts_b))
    vectors = encode(texts)
    row_of = {text: i for i, text in enumerate(texts)}
    # The app relates claims already grouped into propositions (claim clusters); the benchmark's
    # sentences are grouped the same way, all of a batch together as an event's claims are.
    groups = group_propositions(texts, vectors)
    adjusted, _ = apply_rules(texts_a, texts_b, vectors[[row_of[t] for t in texts_a]],
                              vectors[[row_of[t] for t in texts_b]], proba[rows],
                              [groups[row_of[t]] for t in texts_a], [groups[row_of[t]] for t in texts_b])
    result = np.array(proba, dtype=np.float64, copy=True)
    result[rows] = adjusted
    return result
