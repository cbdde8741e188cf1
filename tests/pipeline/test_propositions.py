import numpy as np

from comparer.pipeline.embed import encode
from comparer.pipeline.propositions import group_propositions
from comparer.relations_model.features import Analyzer


def test_paraphrases_group_and_different_claims_about_one_topic_do_not():
    texts = [
        "Ukraine did not show up for the agreed exchange of prisoners of war and bodies on Saturday.",
        "Ukraine fails to show up for agreed prisoner and body exchange",
        "Russia says Ukraine failed to appear at the prisoner and body exchange",
        "Russian forces destroyed 39 armored vehicles, the ministry said.",
        "The ministry said 39 Ukrainian armoured vehicles were destroyed.",
        "Talks in Istanbul have produced no ceasefire.",
    ]
    groups = group_propositions(texts, encode(texts), Analyzer())
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] == groups[4] != groups[0]
    assert groups[5] not in (groups[0], groups[3])


def test_trivial_inputs():
    assert group_propositions([], encode([]), Analyzer()) == []
    assert group_propositions(["One claim only."], encode(["One claim only."]), Analyzer()) == [0]


def _demo_sentences() -> list[str]:
    """The seed page's and the demo articles' sentences and titles (real pipeline split)."""
    import json
    from pathlib import Path

    from comparer.pipeline.claims import split_sentences

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    texts = [(fixtures / "000_ad8522ef294dd132.txt").read_text(encoding="utf-8")]
    for path in sorted((fixtures / "demo").glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            texts += [item["title"], item["text"]]
    sentences = [text[a:b].strip() for text in texts for a, b in split_sentences(text)]
    return [s for s in dict.fromkeys(sentences) if len(s) > 20]


def _scipy_average_linkage(similarity, cut):
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2
    return fcluster(linkage(squareform(distance, checks=False), method="average"), t=1.0 - cut, criterion="distance")


def _same_partition(a, b) -> bool:
    pairs = set(zip(a, b))
    return len(pairs) == len(set(a)) == len(set(b))


def test_cosine_only_grouping_is_exactly_average_linkage():
    """With embedding_weight=1 the sparse algorithm reproduces scipy/scikit-learn average linkage."""
    texts = _demo_sentences()
    assert len(texts) >= 60
    vectors = encode(texts)
    for cut in (0.35, 0.5, 0.65):
        ours = group_propositions(texts, vectors, Analyzer(), threshold=cut, embedding_weight=1.0)
        assert _same_partition(ours, _scipy_average_linkage(vectors @ vectors.T, cut)), cut


def test_candidate_pairs_are_every_pair_over_the_threshold_across_blocks():
    import numpy as np

    from comparer.pipeline import propositions

    texts = _demo_sentences()
    vectors = propositions.unit_rows(encode(texts))
    analyzer = Analyzer()
    dense = propositions.similarity_matrix(texts, vectors, analyzer)
    pairs = propositions.candidate_pairs(vectors, propositions.lexical_vectors(texts, analyzer),
                                         propositions.SAME_PROPOSITION, block=7, neighbours=None)
    expected = {(i, j) for i, j in zip(*np.nonzero(dense >= propositions.SAME_PROPOSITION)) if i < j}
    found = set(zip(pairs.left.tolist(), pairs.right.tolist()))
    # Pairs right at the threshold may fall either way in float32.
    close = {(i, j) for i, j in expected ^ found if abs(dense[i, j] - propositions.SAME_PROPOSITION) < 1e-5}
    assert expected ^ found == close
    assert np.allclose(pairs.similarity, [dense[i, j] for i, j in zip(pairs.left, pairs.right)], atol=1e-5)


def test_candidate_graph_keeps_each_sentences_nearest_partners_only():
    """Capped, the graph holds exactly the pairs one of whose sentences ranks the other among its
    ``neighbours`` most similar (over the threshold): O(n * k) pairs however alike the texts are."""
    import numpy as np

    from comparer.pipeline import propositions

    texts = _demo_sentences()
    vectors = propositions.unit_rows(encode(texts))
    analyzer = Analyzer()
    dense = propositions.similarity_matrix(texts, vectors, analyzer)
    np.fill_diagonal(dense, -np.inf)
    k, threshold = 3, 0.1
    pairs = propositions.candidate_pairs(vectors, propositions.lexical_vectors(texts, analyzer), threshold,
                                         block=5, neighbours=k)
    expected = set()
    for row in range(len(texts)):
        for col in np.argsort(-dense[row])[:k]:
            if dense[row, col] >= threshold:
                expected.add((min(row, col), max(row, col)))
    found = list(zip(pairs.left.tolist(), pairs.right.tolist()))
    assert len(found) == len(set(found))                       # each pair once
    assert all(left < right for left, right in found)
    # Ties at the k-th place may fall either way.
    assert len(set(found) ^ expected) <= 2
    assert len(found) <= k * len(texts)
    uncapped = propositions.candidate_pairs(vectors, propositions.lexical_vectors(texts, analyzer), threshold,
                                            neighbours=None)
    assert len(found) < len(uncapped.left)


def test_identical_sentences_count_once_but_group_together():
    texts = _demo_sentences()[:40]
    vectors = encode(texts)
    once = group_propositions(texts, vectors, Analyzer())
    twice = group_propositions(texts + texts, np.concatenate([vectors, vectors]), Analyzer())
    assert twice[:40] == twice[40:]
    assert _same_partition(once, twice[:40])
