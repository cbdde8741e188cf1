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

from comparer.relations_model.features import SCALAR_NAMES, Analyzer, pair_features
from comparer.relations_model.pairs import LABEL_INDEX, LABELS, StancePair

logger = logging.getLogger("comparer.relations_model")
ARTIFACT_PATH = Path(__file__).resolve().parent / "artifacts" / "relations.joblib"

Encoder = Callable[[Sequence[str]], np.ndarray]


class RelationModel:
    """A fitted classifier plus the IDF table its lexical features need."""

    def __init__(self, classifier, idf: dict[str, float], metadata: dict | None = None):
        self.classifier = classifier
        self.idf = idf
        self.metadata = metadata or {}
        self.analyzer = Analyzer(idf)
        self._columns = [LABEL_INDEX[label] for label in LABELS if LABEL_INDEX[label] in classifier.classes_]

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

    def predict_proba(self, pairs: Sequence[StancePair], encode: Encoder, progress: bool = False) -> np.ndarray:
        return self.predict_proba_features(self.featurize(pairs, encode, progress))

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
        return (proba[0::2] + proba[1::2]) / 2


def featurize(analyzer: Analyzer, pairs: Sequence[StancePair], encode: Encoder, progress: bool = False) -> np.ndarray:
    """Feature rows for ``pairs``; all sentences are encoded in one batched call."""
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
        rows.append(pair_features(analyzer, pair.claim, vectors[row_of[pair.claim]], sentences, evidence_vectors,
                                  pair.evidence_is_document))
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
    return RelationModel(payload["classifier"], payload["idf"], payload.get("metadata"))


def save_model(model: RelationModel, path: Path | None = None) -> Path:
    import joblib

    target = Path(path) if path else ARTIFACT_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"classifier": model.classifier, "idf": model.idf, "metadata": model.metadata}, target,
                compress=3)
    load_model.cache_clear()
    return target
