"""Everything the cross-encoder's training needs that touches the app: the pair texts and the blend.

``export_rows`` writes the training/validation pairs (with the same claim-grouped split as the
feature model, see ``training.split``) as the gzipped JSON lines that ``cross_fit.py`` reads.
Long FNC-1 bodies are cut to the passage the app's cross-encoder reads (``cross_encoder.passage``).

``fit_blend`` learns how to combine the feature model's and the cross-encoder's probabilities
from their predictions on held-out pairs; it is a multinomial logistic regression over the
two models' log-probabilities (8 inputs), so it can only re-weight and re-calibrate them.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from comparer.relations_model.cross_encoder import passage
from comparer.relations_model.features import Analyzer
from comparer.relations_model.pairs import LABEL_INDEX, LABELS, StancePair

EPSILON = 1e-4


def pair_texts(analyzer: Analyzer, pairs: list[StancePair], encode) -> list[tuple[str, str]]:
    """The (claim, passage) each pair becomes for the cross-encoder, as ``featurize`` builds it."""
    evidence = [analyzer.sentences(pair.evidence, pair.evidence_is_document) for pair in pairs]
    texts = list(dict.fromkeys([pair.claim for pair in pairs] + [s for sents in evidence for s in sents]))
    vectors = encode(texts)
    row_of = {text: i for i, text in enumerate(texts)}
    return [(pair.claim, passage(vectors[row_of[pair.claim]], sentences, vectors[[row_of[s] for s in sentences]]))
            for pair, sentences in zip(pairs, evidence)]


def export_rows(train_pairs: list[StancePair], validation: dict[str, list[StancePair]], analyzer: Analyzer,
                encode, path: Path) -> dict:
    """Write the rows; held-out rows get ids ``<source>:<position in validation[source]>``."""
    counts = {"train": 0, "validation": 0}
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        def write(pair: StancePair, text_pair, split: str, row_id: str):
            handle.write(json.dumps({"id": row_id, "a": text_pair[0], "b": text_pair[1], "label": pair.label,
                                     "source": pair.source, "split": split}) + "\n")
            counts[split] += 1

        texts = pair_texts(analyzer, train_pairs, encode)
        for i, (pair, text_pair) in enumerate(zip(train_pairs, texts)):
            write(pair, text_pair, "train", f"train:{i}")
            if pair.source == "sick":
                # A sentence pair's stance does not depend on which outlet spoke first.
                write(pair, text_pair[::-1], "train", f"train:{i}:reversed")
        for source, pairs in validation.items():
            for i, (pair, text_pair) in enumerate(zip(pairs, pair_texts(analyzer, pairs, encode))):
                write(pair, text_pair, "validation", f"{source}:{i}")
    return counts


def blend_inputs(feature_proba: np.ndarray, cross_proba: np.ndarray) -> np.ndarray:
    return np.hstack([np.log(feature_proba + EPSILON), np.log(cross_proba + EPSILON)])


def fit_blend(feature_proba: np.ndarray, cross_proba: np.ndarray, labels: list[str], weights: np.ndarray | None = None):
    from sklearn.linear_model import LogisticRegression

    # Class weights as in the claim-grouped study: contradictions are rare and what users look for.
    blend = LogisticRegression(C=BLEND_C, max_iter=3000, class_weight=BLEND_CLASS_WEIGHT)
    blend.fit(blend_inputs(feature_proba, cross_proba), np.array([LABEL_INDEX[label] for label in labels]),
              sample_weight=weights)
    return blend


def apply_blend(blend, feature_proba: np.ndarray, cross_proba: np.ndarray) -> np.ndarray:
    proba = np.zeros((len(feature_proba), len(LABELS)))
    if len(feature_proba):
        proba[:, blend.classes_] = blend.predict_proba(blend_inputs(feature_proba, cross_proba))
    return proba


HELDOUT_PATH = Path(__file__).resolve().parent / "artifacts" / "cross_encoder_heldout.npz"
BLEND_CLASS_WEIGHT = {0: 1.5, 1: 3.0, 2: 1.0, 3: 1.0}   # agree, contradict, discusses, unrelated
BLEND_C = 0.3
SENTENCE_SOURCES = ("emergent", "sick", "curator")


def validation_digest(validation: dict[str, list[StancePair]]) -> str:
    """Identifies the held-out rows, so stored predictions are only used for the same split."""
    import hashlib

    digest = hashlib.sha1()
    for source in sorted(validation):
        for pair in validation[source]:
            digest.update(f"{source}|{pair.label}|{pair.claim}|{pair.evidence[:200]}".encode())
    return digest.hexdigest()


def install_fit_outputs(fit_dir: Path, validation: dict[str, list[StancePair]], artifact: Path | None = None) -> Path:
    """Store what ``cross_fit.py`` produced: the weights and the validation fit's held-out probabilities."""
    import shutil

    from comparer.relations_model.cross_encoder import ARTIFACT_PATH, artifact_sha1

    fit_dir = Path(fit_dir)
    settings_used = json.loads((fit_dir / "cross_fit.json").read_text())
    rows = json.loads((fit_dir / "heldout_rows.json").read_text())
    proba = np.load(fit_dir / f"heldout_epoch{settings_used['best_epoch']}.npy")
    target = Path(artifact or ARTIFACT_PATH)
    if (fit_dir / "cross_encoder.safetensors").exists():
        shutil.copyfile(fit_dir / "cross_encoder.safetensors", target)
    np.savez(HELDOUT_PATH, ids=np.array([row["id"] for row in rows]), proba=proba.astype(np.float32),
             cross_encoder_sha1=np.array(artifact_sha1(target)), validation=np.array(validation_digest(validation)),
             settings=np.array(json.dumps(settings_used)))
    return HELDOUT_PATH


def load_heldout(validation: dict[str, list[StancePair]]) -> tuple[dict[str, np.ndarray], str, dict] | None:
    """The cross-encoder's held-out probabilities per source, if they match this split and artefact."""
    from comparer.relations_model.cross_encoder import artifact_sha1

    if not HELDOUT_PATH.exists():
        return None
    with np.load(HELDOUT_PATH, allow_pickle=False) as data:
        ids, proba = [str(i) for i in data["ids"]], data["proba"]
        sha1, digest = str(data["cross_encoder_sha1"]), str(data["validation"])
        fit_settings = json.loads(str(data["settings"]))
    if digest != validation_digest(validation) or sha1 != artifact_sha1():
        return None
    by_source = {source: np.zeros((len(pairs), len(LABELS)), dtype=np.float32) for source, pairs in validation.items()}
    for row_id, row in zip(ids, proba):
        source, index = row_id.split(":")
        by_source[source][int(index)] = row
    return by_source, sha1, fit_settings


def blend_sets(validation: dict[str, list[StancePair]]) -> dict[str, tuple[str, ...]]:
    return {"document": ("fnc1",), "sentence": tuple(s for s in SENTENCE_SOURCES if validation.get(s))}


def cross_validated_blend(validation, feature_proba: dict, cross_proba: dict, folds: int = 5) -> dict[str, np.ndarray]:
    """Blended held-out probabilities where each row's blend never saw its group (honest figures)."""
    from sklearn.model_selection import GroupKFold

    result = {}
    for kind, sources in blend_sets(validation).items():
        sources = [s for s in sources if len(validation.get(s, []))]
        if not sources:
            continue
        features = np.vstack([feature_proba[s] for s in sources])
        cross = np.vstack([cross_proba[s] for s in sources])
        labels = [p.label for s in sources for p in validation[s]]
        groups = [p.group for s in sources for p in validation[s]]
        blended = np.zeros_like(features, dtype=np.float64)
        splits = min(folds, len(set(groups)))
        for train_rows, test_rows in GroupKFold(splits).split(features, labels, groups):
            blend = fit_blend(features[train_rows], cross[train_rows], [labels[i] for i in train_rows])
            blended[test_rows] = apply_blend(blend, features[test_rows], cross[test_rows])
        offset = 0
        for s in sources:
            result[s] = blended[offset:offset + len(validation[s])]
            offset += len(validation[s])
    return result


def final_blend(validation, feature_proba: dict, cross_proba: dict, sha1: str) -> dict:
    blend = {"cross_encoder_sha1": sha1}
    for kind, sources in blend_sets(validation).items():
        sources = [s for s in sources if len(validation.get(s, []))]
        blend[kind] = fit_blend(np.vstack([feature_proba[s] for s in sources]),
                                np.vstack([cross_proba[s] for s in sources]),
                                [p.label for s in sources for p in validation[s]])
    return blend
