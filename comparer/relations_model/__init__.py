"""The project's own agree / contradict / discusses / unrelated classifier.

``python manage.py train_relations`` builds ``artifacts/relations.joblib`` from the public
training data in ``../shared/data`` (plus curator-confirmed relations, weighted); the relate
stage and the evaluation commands load it through ``load_model`` and call the same
``RelationModel.predict_proba``.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from comparer.relations_model.cross_encoder import passage
from comparer.relations_model.features import SCALAR_NAMES, Analyzer, pair_features
from comparer.relations_model.pairs import LABEL_INDEX, LABELS, StancePair

logger = logging.getLogger("comparer.relations_model")
ARTIFACT_PATH = Path(__file__).resolve().parent / "artifacts" / "relations.joblib"

Encoder = Callable[[Sequence[str]], np.ndarray]
DOCUMENT_GATE = 0.98


class RelationModel:
    """A fitted classifier plus the IDF table its lexical features need."""

    def __init__(self, classifier, idf: dict[str, float], metadata: dict | None = None, blend: dict | None = None):
        self.classifier = classifier
        self.idf = idf
        self.metadata = metadata or {}
        self.analyzer = Analyzer(idf)
        self._columns = [LABEL_INDEX[label] for label in LABELS if LABEL_INDEX[label] in classifier.classes_]
        # {"document": fitted blend, "sentence": fitted blend, "cross_encoder_sha1": ...} when the
        # artefact was trained together with the cross-encoder (see cross_training.py).
        self.blend = blend

    def cross_encoder(self):
        """The fine-tuned cross-encoder this model was blended with, or ``None``."""
        if not self.blend or not cross_encoder_enabled():
            return None
        from comparer.relations_model.cross_encoder import artifact_sha1, load_cross_encoder

        if artifact_sha1() != self.blend.get("cross_encoder_sha1"):
            logger.warning("cross-encoder artefact is missing or differs from the one the relation model was "
                           "blended with; relations use the feature model alone")
            return None
        return load_cross_encoder()

    def refine(self, proba: np.ndarray, text_pairs: Sequence[tuple[str, str]], is_document: Sequence[bool],
               progress: bool = False) -> np.ndarray:
        """Blend the feature model's probabilities with the cross-encoder's reading of each pair.

        Document pairs that the feature model already finds unrelated beyond doubt skip the
        cross-encoder (in FNC-1 validation, 30% of pairs and 2 of 3,609 related ones at 0.98).
        """
        encoder = self.cross_encoder()
        if encoder is None or not len(proba):
            return proba
        from comparer.relations_model.cross_training import apply_blend

        is_document = np.asarray(is_document, dtype=bool)
        needed = ~(is_document & (proba[:, LABEL_INDEX["unrelated"]] >= DOCUMENT_GATE))
        rows = np.flatnonzero(needed)
        cross = encoder.predict_proba([text_pairs[i] for i in rows], progress=progress)
        refined = proba.copy()
        for kind, mask in (("document", is_document[rows]), ("sentence", ~is_document[rows])):
            if mask.any():
                refined[rows[mask]] = apply_blend(self.blend[kind], proba[rows[mask]], cross[mask])
        return refined

    # --- features ---------------------------------------------------------------------------
    def featurize(self, pairs: Sequence[StancePair], encode: Encoder, progress: bool = False) -> np.ndarray:
        return featurize(self.analyzer, pairs, encode, progress)

    # --- prediction -------------------------------------------------------------------------
    def predict_proba_features(self, features: np.ndarray) -> np.ndarray:
        """Probabilities in ``LABELS`` order (a label the classifier never saw gets 0)."""
        proba = np.zeros((len(features), len(LABELS)), dtype=np.float64)
        if len(features):
            proba[:, self.classifier.classes_] = self.classifier.predict_proba(features)
        return proba

    def predict_proba(self, pairs: Sequence[StancePair], encode: Encoder, progress: bool = False,
                      use_cross_encoder: bool = True) -> np.ndarray:
        text_pairs: list[tuple[str, str]] = []
        proba = self.predict_proba_features(featurize(self.analyzer, pairs, encode, progress, passages=text_pairs))
        if not use_cross_encoder:
            return proba
        return self.refine(proba, text_pairs, [pair.evidence_is_document for pair in pairs], progress)

    def predict_sentence_pairs(self, texts_a: Sequence[str], vectors_a: np.ndarray, texts_b: Sequence[str],
                               vectors_b: np.ndarray) -> np.ndarray:
        """Symmetric probabilities for claim pairs whose vectors are already known (the app's case)."""
        rows = []
        for text_a, vec_a, text_b, vec_b in zip(texts_a, vectors_a, texts_b, vectors_b):
            rows.append(pair_features(self.analyzer, text_a, vec_a, [text_b], vec_b[None, :], False))
            rows.append(pair_features(self.analyzer, text_b, vec_b, [text_a], vec_a[None, :], False))
        if not rows:
            return np.zeros((0, len(LABELS)))
        proba = self.predict_proba_features(np.stack(rows))
        proba = (proba[0::2] + proba[1::2]) / 2
        # The cross-encoder reads one order: it was trained on sentence pairs in both orders.
        return self.refine(proba, list(zip(texts_a, texts_b)), [False] * len(proba))


def cross_encoder_enabled() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "COMPARER", {}).get("CROSS_ENCODER", True)) if settings.configured else True


def featurize(analyzer: Analyzer, pairs: Sequence[StancePair], encode: Encoder, progress: bool = False,
              passages: list | None = None) -> np.ndarray:
    """Feature rows for ``pairs``; all sentences are encoded in one batched call.

    If ``passages`` is a list, the (claim, evidence passage) text pair the cross-encoder reads
    is appended to it for every pair.
    """
    evidence = [analyzer.sentences(pair.evidence, pair.evidence_is_document) for pair in pairs]
    texts = list(dict.fromkeys([pair.claim for pair in pairs] + [s for sents in evidence for s in sents]))
    vectors = encode(texts)
    row_of = {text: i for i, text in enumerate(texts)}
    iterator = zip(pairs, evidence)
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, total=len(pairs), desc="features", unit="pair")
    rows = []
    for pair, sentences in iterator:
        evidence_vectors = vectors[[row_of[s] for s in sentences]]
        claim_vector = vectors[row_of[pair.claim]]
        rows.append(pair_features(analyzer, pair.claim, claim_vector, sentences, evidence_vectors,
                                  pair.evidence_is_document))
        if passages is not None:
            passages.append((pair.claim, passage(claim_vector, sentences, evidence_vectors)))
    width = len(SCALAR_NAMES) + 2 * vectors.shape[1] if len(vectors) else len(SCALAR_NAMES)
    return np.stack(rows) if rows else np.zeros((0, width), dtype=np.float32)


def restricted_argmax(proba: np.ndarray, allowed: Sequence[str]) -> list[str]:
    """The most probable label among ``allowed`` (benchmarks with fewer classes than the app)."""
    columns = [LABEL_INDEX[label] for label in allowed]
    return [allowed[i] for i in np.argmax(proba[:, columns], axis=1)]


@functools.lru_cache(maxsize=1)
def load_model(path: str | None = None) -> RelationModel | None:
    """The committed artefact, or ``None`` (with a warning) if it has not been built."""
    import joblib

    target = Path(path) if path else ARTIFACT_PATH
    if not target.exists():
        logger.warning("relation model artefact %s is missing; using the rule-based judge "
                       "(build it with `python manage.py train_relations`)", target)
        return None
    payload = joblib.load(target)
    return RelationModel(payload["classifier"], payload["idf"], payload.get("metadata"), payload.get("blend"))


def save_model(model: RelationModel, path: Path | None = None) -> Path:
    import joblib

    target = Path(path) if path else ARTIFACT_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"classifier": model.classifier, "idf": model.idf, "metadata": model.metadata, "blend": model.blend},
                target,
                compress=3)
    load_model.cache_clear()
    return target
