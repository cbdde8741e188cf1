"""Group sentences that state the same proposition (claim clustering).

Similarity of two sentences is a blend of MiniLM cosine and the cosine of their content-word
vectors: embeddings alone merge different claims about one topic ("Apple Watch sales" vs "Apple
Watch battery"), words alone miss paraphrases. A word weighs its IDF in the training corpora
times its IDF within the sentences being grouped, so the words every sentence of one story
shares ("apple", "watch") count less than the words that tell its claims apart ("valentine",
"samsung"). Sentences are grouped by average-linkage agglomerative clustering cut at
``SAME_PROPOSITION``: two groups merge while the mean similarity over all their pairs is at least
the threshold.

The clustering never builds the n x n matrix:

1. ``candidate_pairs`` finds the pairs whose similarity reaches the threshold, one block of rows
   at a time (a dense block of embedding dot products plus a sparse block of word-vector dot
   products), so memory stays O(n * block) and the work is one BLAS matmul per block. Each
   sentence keeps at most ``NEIGHBOURS`` partners (its most similar ones), so the graph is
   O(n * NEIGHBOURS) even when a templated burst makes nearly every pair pass the threshold.
2. ``average_linkage`` merges greedily, best pair first, on that sparse graph. Because the
   similarity is a dot product, the mean similarity of two groups is exact from their summed
   embeddings (``S_A . S_B / |A||B|``); word overlap is summed over the candidate pairs between
   them. Two groups whose mean reaches the threshold always share a pair over the threshold
   (some pair must be at least the mean), so while no sentence has more than ``NEIGHBOURS``
   partners restricting merges to the graph loses nothing, and with ``embedding_weight=1`` the
   result is exactly average-linkage clustering on cosine distance (scikit-learn / scipy) cut at
   ``1 - threshold``. Past the cap it is average linkage on the k-nearest-neighbour graph (the
   usual connectivity-constrained variant), and the word overlap of pairs left out of the graph
   is not counted towards their groups' mean. With words in the blend, word overlap between two
   sentences whose total similarity stays under the threshold is not counted either (it is
   below what the threshold asks of any one pair).

Used by the app inside an event (``cluster.cluster_claims``), by ``evaluate emergent`` over the
article headlines and by the relation model's validation, so the benchmark measures this code.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from comparer.relations_model.features import STOP, Analyzer, stem, tokens

# Chosen by cross-validation over Emergent train's claimIds outside the validation hold-out
# (16 random subsets of 54 claims, the size of the hold-out and of the test set): B3-F1 0.948
# there, against 0.935 for the previous blend (0.6 embedding, corpus IDF only, cut 0.35).
EMBEDDING_WEIGHT = 0.3
# Two groups merge while their average blended similarity is at least this.
SAME_PROPOSITION = 0.19
# Rows of the similarity computed at once when looking for candidate pairs (memory ~ BLOCK * n),
# and the most cells one block may hold (float32: 8M cells = 32 MB, twice with the word part).
BLOCK = 512
BLOCK_CELLS = 8_000_000
# Partners each sentence keeps in the candidate graph: memory is O(n * NEIGHBOURS) even on a
# templated burst where nearly every pair passes the threshold (10k articles of one story: the
# uncapped graph grew past 12 GB). See bench/FINDINGS.md for what the cap costs in B3 on Emergent.
NEIGHBOURS = 50


def content_counts(text: str) -> Counter:
    """Stemmed content words of a sentence (the relation model's ``Analyzer.facts(...).counts``)."""
    return Counter(stem(word) for word in tokens(text) if word not in STOP and len(word) > 1)


def lexical_vectors(texts: Sequence[str], analyzer: Analyzer,
                    multiplicity: Sequence[float] | None = None) -> sparse.csr_matrix:
    """Unit-length word vectors: count x corpus IDF x IDF within ``texts`` (one row per text).

    ``multiplicity`` counts a text that stands for several identical sentences that many times
    in the in-set document frequencies.
    """
    counts = [content_counts(text) for text in texts]
    multiplicity = [1.0] * len(texts) if multiplicity is None else [float(m) for m in multiplicity]
    frequency: Counter = Counter()
    for row, times in zip(counts, multiplicity):
        for word in row:
            frequency[word] += times
    total = sum(multiplicity)
    column = {word: i for i, word in enumerate(frequency)}
    local = {word: math.log((1 + total) / (1 + df)) + 1 for word, df in frequency.items()}
    indices, data, indptr = [], [], [0]
    for row in counts:
        for word, count in row.items():
            indices.append(column[word])
            data.append(count * analyzer.weight(word) * local[word])
        indptr.append(len(indices))
    matrix = sparse.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64),
                                np.asarray(indptr, dtype=np.int64)), shape=(len(texts), max(len(column), 1)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float32).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix, dtype=np.float32)


def unit_rows(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def default_analyzer() -> Analyzer:
    from comparer.relations_model import load_model

    model = load_model()
    return model.analyzer if model is not None else Analyzer()


def similarity_matrix(texts: Sequence[str], vectors: np.ndarray, analyzer: Analyzer,
                      embedding_weight: float = EMBEDDING_WEIGHT) -> np.ndarray:
    """The dense n x n blended similarity (for small inputs, inspection and tests)."""
    vectors = unit_rows(vectors)
    words = lexical_vectors(texts, analyzer)
    return embedding_weight * (vectors @ vectors.T) + (1 - embedding_weight) * (words @ words.T).toarray()


@dataclass
class CandidatePairs:
    """Pairs i < j whose blended similarity reaches the threshold, with their word-vector part."""

    left: np.ndarray
    right: np.ndarray
    similarity: np.ndarray
    lexical: np.ndarray


def candidate_pairs(vectors: np.ndarray, words: sparse.csr_matrix | None, threshold: float,
                    embedding_weight: float = EMBEDDING_WEIGHT, block: int = BLOCK,
                    neighbours: int | None = NEIGHBOURS) -> CandidatePairs:
    """Pairs with ``w * cosine + (1 - w) * word cosine >= threshold``, a block of rows at a time.

    Each row keeps at most its ``neighbours`` most similar partners (a pair is kept when either
    side keeps it), so the graph has at most ``n * neighbours`` pairs however alike the sentences
    are; ``None`` keeps every pair over the threshold.
    """
    n = len(vectors)
    lefts, rights, sims, lexes = [], [], [], []
    blend = words is not None and embedding_weight < 1
    columns = words.T.tocsc() if blend else None
    scaled = vectors * np.float32(embedding_weight) if embedding_weight != 1 else vectors
    capped = neighbours is not None and neighbours < n - 1
    # A capped row needs all of its partners, not only the later ones; the block shrinks so one
    # block of scores stays ~BLOCK_CELLS floats whatever n is.
    block = max(1, min(block, BLOCK_CELLS // max(n, 1)))
    for start in range(0, n, block):
        stop = min(n, start + block)
        first = 0 if capped else start       # uncapped: upper triangle only
        scores = scaled[start:stop] @ vectors[first:].T
        lexical = None
        if blend:
            product = words[start:stop] @ columns[:, first:]
            product.data *= np.float32(1 - embedding_weight)
            lexical = product.toarray()
            scores += lexical
        local = np.arange(stop - start)
        scores[local, local + start - first] = -np.inf   # never a pair with itself
        if capped:
            top = np.argpartition(-scores, neighbours - 1, axis=1)[:, :neighbours]
            rows = np.repeat(local, neighbours)
            cols = top.ravel()
            keep = scores[rows, cols] >= threshold
        else:
            flat = np.flatnonzero(scores >= threshold)
            rows, cols = np.divmod(flat, scores.shape[1])
            keep = cols + first > rows + start
        rows, cols = rows[keep], cols[keep]
        lefts.append(rows + start)
        rights.append(cols + first)
        sims.append(scores[rows, cols])
        if lexical is not None:
            lexes.append(lexical[rows, cols] / np.float32(1 - embedding_weight))
        else:
            lexes.append(np.zeros(len(rows), dtype=np.float32))
    join = (lambda parts, dtype: np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype))
    pairs = CandidatePairs(join(lefts, np.int64), join(rights, np.int64), join(sims, np.float32),
                           join(lexes, np.float32))
    if capped and len(pairs.left):
        # Each kept pair once, as (smaller, larger): a pair both rows kept appears twice.
        low, high = np.minimum(pairs.left, pairs.right), np.maximum(pairs.left, pairs.right)
        _, unique = np.unique(low * n + high, return_index=True)
        pairs = CandidatePairs(low[unique], high[unique], pairs.similarity[unique], pairs.lexical[unique])
    return pairs


def average_linkage(vectors: np.ndarray, pairs: CandidatePairs, threshold: float,
                    embedding_weight: float = EMBEDDING_WEIGHT, counts: np.ndarray | None = None) -> np.ndarray:
    """Average-linkage clusters (a label per row) on the candidate graph, best pair first.

    The mean similarity of groups A and B is ``(w * S_A . S_B + (1 - w) * L_AB) / (|A| |B|)``,
    where ``S`` is the sum of a group's unit vectors and ``L_AB`` the word-vector similarity summed
    over the candidate pairs between them (added up as groups merge). ``counts`` gives each row a
    multiplicity (identical sentences collapsed into one row).

    Each group keeps one heap entry: its best neighbour and their mean. The mean towards a merged
    group is a weighted average of the two means it replaces (average linkage is reducible), so
    an entry whose neighbour has merged since is an upper bound: when it comes up, the mean towards
    the neighbour's new group is computed, and if it still beats the group's runner-up (a bound on
    all its other neighbours) it is pushed back; otherwise all neighbours are looked at again. A
    valid entry on top is therefore the best pair overall, and merging it reproduces the order of
    the textbook algorithm (scipy's and scikit-learn's results, ties aside).
    """
    n = len(vectors)
    labels = np.arange(n)
    if n < 2 or not len(pairs.left):
        return labels
    w = embedding_weight
    counts = np.ones(n) if counts is None else np.asarray(counts, dtype=np.float64)
    sums = np.asarray(vectors, dtype=np.float64) * counts[:, None]   # S per group slot
    size = counts.copy()
    version = np.zeros(n, dtype=np.int64)        # bumped whenever the slot's group changes
    alive = np.ones(n, dtype=bool)
    owner = np.arange(n)                        # the live slot each sentence (and dead slot) is in
    members: list[list[int] | None] = [[i] for i in range(n)]

    # Item graph, both directions, as CSR: neighbour, similarity, word similarity x multiplicities.
    left = np.concatenate([pairs.left, pairs.right])
    right = np.concatenate([pairs.right, pairs.left])
    order = np.lexsort((-np.concatenate([pairs.similarity, pairs.similarity]), left))
    graph_cols = right[order]
    graph_sim = np.concatenate([pairs.similarity, pairs.similarity])[order]
    graph_lex = (np.concatenate([pairs.lexical, pairs.lexical])[order].astype(np.float64)
                 * counts[left[order]] * counts[graph_cols])
    graph_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(left, minlength=n), out=graph_ptr[1:])
    # Neighbour groups of a group with the word similarity summed towards each. Kept as they were
    # when last computed: a neighbour that has merged since is re-keyed (``owner``) on next use.
    neighbours: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def raw(slot: int) -> tuple[np.ndarray, np.ndarray]:
        found = neighbours.get(slot)
        if found is None:
            found = graph_cols[graph_ptr[slot]:graph_ptr[slot + 1]], graph_lex[graph_ptr[slot]:graph_ptr[slot + 1]]
        return found

    def regroup(slot: int, cols: np.ndarray, lex: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keyed = owner[cols]
        outside = keyed != slot
        keyed, lex = keyed[outside], lex[outside]
        order = keyed.argsort()
        keyed, lex = keyed[order], lex[order]
        if len(keyed) > 1:
            step = keyed[1:] != keyed[:-1]
            if not step.all():
                starts = np.flatnonzero(np.concatenate(([True], step)))
                keyed, lex = keyed[starts], np.add.reduceat(lex, starts)
        neighbours[slot] = keyed, lex
        return keyed, lex

    def push_best(slot: int, slots: np.ndarray, lex_sum: np.ndarray) -> None:
        if not len(slots):
            return
        mean = (w * (sums[slots] @ sums[slot]) + (1 - w) * lex_sum) / (size[slots] * size[slot])
        best = int(np.argmax(mean))
        if mean[best] >= threshold:
            runner_up[slot] = np.partition(mean, -2)[-2] if len(mean) > 1 else -np.inf
            heapq.heappush(heap, (-float(mean[best]), slot, int(version[slot]), int(slots[best]),
                                  int(version[slots[best]])))

    # Each row's best neighbour is the first of its CSR row (sorted by similarity, descending);
    # ``runner_up`` is the best of the others: an upper bound on them until the row's group changes.
    has = np.flatnonzero(np.diff(graph_ptr))
    firsts = graph_ptr[has]
    runner_up = np.full(n, -np.inf)
    second = np.diff(graph_ptr)[has] > 1
    runner_up[has[second]] = graph_sim[firsts[second] + 1]
    heap = [(-float(value), int(row), 0, int(col), 0)
            for value, row, col in zip(graph_sim[firsts], has, graph_cols[firsts])]
    heapq.heapify(heap)
    while heap:
        _, a, seen_a, b, seen_b = heapq.heappop(heap)
        if not alive[a] or version[a] != seen_a:
            continue                      # a has merged since; its group has its own entry
        if not alive[b] or version[b] != seen_b:
            # b's group has changed. Every other neighbour's mean is at most runner_up[a] (means
            # towards merged groups are weighted averages), so if the mean towards b's new group
            # still beats it, that is a's best; otherwise look at all of a's neighbours again.
            cols, lex = raw(a)
            target = owner[b]
            keyed = owner[cols]
            mean = ((w * (sums[target] @ sums[a]) + (1 - w) * lex[keyed == target].sum())
                    / (size[target] * size[a]))
            if mean >= threshold and mean >= runner_up[a]:
                heapq.heappush(heap, (-float(mean), a, int(version[a]), int(target), int(version[target])))
            else:
                push_best(a, *(regroup(a, cols, lex) if (keyed != cols).any() else (cols, lex)))
            continue
        if size[a] < size[b] or (size[a] == size[b] and b < a):
            a, b = b, a                   # the larger group keeps its slot
        cols_a, lex_a = raw(a)
        cols_b, lex_b = raw(b)
        alive[b] = False
        version[a] += 1
        sums[a] += sums[b]
        size[a] += size[b]
        owner[members[b]] = a
        members[a].extend(members[b])
        members[b] = None
        neighbours.pop(b, None)
        push_best(a, *regroup(a, np.concatenate([cols_a, cols_b]), np.concatenate([lex_a, lex_b])))
    for slot in np.flatnonzero(alive):
        labels[members[slot]] = slot
    return labels


def group_propositions(texts: Sequence[str], vectors: np.ndarray, analyzer: Analyzer | None = None,
                       threshold: float = SAME_PROPOSITION, embedding_weight: float = EMBEDDING_WEIGHT) -> list[int]:
    """A group number per text; texts with the same number state the same proposition."""
    n = len(texts)
    if n == 0:
        return []
    if n == 1:
        return [0]
    if analyzer is None:
        analyzer = default_analyzer()
    # Identical sentences (same text, same vector) are one row with a multiplicity: they would
    # merge first anyway, and a syndicated story repeats hundreds of them.
    unit = unit_rows(vectors)
    row_of: dict[tuple[str, bytes], int] = {}
    rows = [row_of.setdefault((text, vector.tobytes()), len(row_of)) for text, vector in zip(texts, unit)]
    firsts = np.unique(rows, return_index=True)[1]
    counts = np.bincount(rows).astype(np.float64)
    unique_texts = [texts[i] for i in firsts]
    unique = unit[firsts]
    words = lexical_vectors(unique_texts, analyzer, counts) if embedding_weight < 1 else None
    pairs = candidate_pairs(unique, words, threshold, embedding_weight)
    labels = average_linkage(unique, pairs, threshold, embedding_weight, counts)[rows]
    # Renumber by first appearance so group numbers follow the input order.
    first: dict[int, int] = {}
    return [first.setdefault(int(label), len(first)) for label in labels]
