"""Group sentences that state the same proposition (claim clustering).

Average-linkage agglomerative clustering over a blend of MiniLM cosine and IDF-weighted
word overlap: embeddings alone merge different claims about one topic ("Apple Watch sales"
vs "Apple Watch battery"), words alone miss paraphrases. Used by the app inside an event
and by ``evaluate emergent`` over the article headlines, so the benchmark measures this code.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from comparer.relations_model.features import Analyzer

# Chosen on the headlines of half of Emergent train's claims (split by claimId hash): B3-F1 0.916
# there and 0.891 on the other half; 0.7 / 0.40 scored the same.
EMBEDDING_WEIGHT = 0.6
# Two groups merge while their average blended similarity is at least this.
SAME_PROPOSITION = 0.35


def lexical_matrix(texts: Sequence[str], analyzer: Analyzer) -> np.ndarray:
    """Cosine similarity of IDF-weighted content-word vectors."""
    vocabulary: dict[str, int] = {}
    rows = []
    for text in texts:
        counts = analyzer.facts(text).counts
        rows.append({vocabulary.setdefault(word, len(vocabulary)): count * analyzer.weight(word)
                     for word, count in counts.items()})
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)), dtype=np.float32)
    for i, row in enumerate(rows):
        for j, value in row.items():
            matrix[i, j] = value
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1, norms)
    return matrix @ matrix.T


def similarity_matrix(texts: Sequence[str], vectors: np.ndarray, analyzer: Analyzer,
                      embedding_weight: float = EMBEDDING_WEIGHT) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    vectors = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
    return embedding_weight * (vectors @ vectors.T) + (1 - embedding_weight) * lexical_matrix(texts, analyzer)


def group_propositions(texts: Sequence[str], vectors: np.ndarray, analyzer: Analyzer | None = None,
                       threshold: float = SAME_PROPOSITION, embedding_weight: float = EMBEDDING_WEIGHT) -> list[int]:
    """A group number per text; texts with the same number state the same proposition."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = len(texts)
    if n == 0:
        return []
    if n == 1:
        return [0]
    if analyzer is None:
        from comparer.relations_model import load_model

        model = load_model()
        analyzer = model.analyzer if model is not None else Analyzer()
    similarity = similarity_matrix(texts, vectors, analyzer, embedding_weight)
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    # Renumber by first appearance so group numbers follow the input order.
    first: dict[int, int] = {}
    return [first.setdefault(int(label), len(first)) for label in labels]
