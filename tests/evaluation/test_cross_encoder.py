"""The fine-tuned cross-encoder: passage choice, loading the committed weights, blending, training."""
import gzip
import json

import numpy as np
import pytest

from comparer.relations_model import cross_encoder, load_model
from comparer.relations_model.pairs import LABEL_INDEX, LABELS


def test_passage_keeps_the_closest_sentences_in_document_order():
    sentences = ["Intro about weather.", "The exchange was postponed.", "Sports results.", "Kyiv denied a no-show."]
    vectors = np.eye(4, dtype=np.float32)
    claim = np.array([0.1, 0.9, 0.0, 0.8], dtype=np.float32)
    assert cross_encoder.passage(claim, sentences, vectors, size=2) == (
        "The exchange was postponed. Kyiv denied a no-show.")
    assert cross_encoder.passage(claim, sentences[:2], vectors[:2], size=3) == "Intro about weather. The exchange was postponed."


def test_committed_cross_encoder_loads_offline_and_reads_a_contradiction():
    encoder = cross_encoder.load_cross_encoder()
    assert encoder is not None, "the committed cross-encoder artefact is missing"
    proba = encoder.predict_proba([
        ("A man is playing a guitar.", "A man is not playing a guitar."),
        ("A man is playing a guitar.", "A man is playing an instrument."),
    ])
    assert proba.shape == (2, 4) and np.allclose(proba.sum(axis=1), 1, atol=1e-4)
    assert LABELS[int(np.argmax(proba[0]))] == "contradict"
    assert proba[1, LABEL_INDEX["contradict"]] < proba[0, LABEL_INDEX["contradict"]]


def test_shipped_relation_model_is_blended_with_this_cross_encoder():
    model = load_model()
    assert model.blend is not None and model.blend["cross_encoder_sha1"] == cross_encoder.artifact_sha1()
    assert model.cross_encoder() is not None


def test_refine_skips_documents_the_feature_model_finds_unrelated_beyond_doubt():
    model = load_model()
    proba = np.array([[0.0, 0.0, 0.01, 0.99], [0.3, 0.3, 0.3, 0.1], [0.2, 0.2, 0.2, 0.4]])
    pairs = [("Headline about a cat.", "Body about taxes."), ("A man sings.", "A man does not sing."),
             ("Troops entered the town.", "The town was entered by troops.")]
    refined = model.refine(proba, pairs, [True, False, True])
    assert np.array_equal(refined[0], proba[0])
    assert not np.allclose(refined[1], proba[1]) and not np.allclose(refined[2], proba[2])
    assert np.allclose(refined.sum(axis=1), 1)


def test_a_blend_for_another_cross_encoder_falls_back_to_the_feature_model(caplog):
    model = load_model()
    stale = type(model)(model.classifier, model.idf, model.metadata, dict(model.blend, cross_encoder_sha1="0" * 40))
    proba = np.array([[0.25, 0.25, 0.25, 0.25]])
    assert np.array_equal(stale.refine(proba, [("a", "b")], [False]), proba)
    assert "differs" in caplog.text


def test_cross_fit_trains_and_scores_held_out_rows(tmp_path):
    """The training script end to end on a handful of rows (CPU, tiny sequence length)."""
    from comparer.relations_model import cross_fit

    rows = []
    for i, (a, b, label, source) in enumerate([
        ("A man is playing a guitar.", "A man is not playing a guitar.", "contradict", "sick"),
        ("A dog runs.", "A dog is running.", "agree", "sick"),
        ("A woman cooks.", "A cat sleeps.", "unrelated", "sick"),
        ("Talks postponed", "The talks were delayed, officials said.", "discusses", "emergent"),
    ] * 3):
        rows.append({"id": f"r{i}", "a": a, "b": b, "label": label, "source": source,
                     "split": "validation" if i >= 8 else "train"})
    path = tmp_path / "rows.jsonl.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join(json.dumps(row) for row in rows))
    out = tmp_path / "out"
    assert cross_fit.main(["--rows", str(path), "--base", cross_encoder.base_model_path(), "--out", str(out),
                           "--epochs", "1", "--batch-size", "4", "--max-length", "32"]) == 0
    assert np.load(out / "heldout_epoch1.npy").shape == (4, 4)
    assert json.loads((out / "cross_fit.json").read_text())["best_epoch"] == 1
    rebuilt = cross_encoder.build(out / "cross_encoder.safetensors", quantize=False)
    assert rebuilt.predict_proba([("a", "b")]).shape == (1, 4)


def test_cross_encoder_can_be_switched_off_for_throughput(settings):
    settings.COMPARER = dict(settings.COMPARER, CROSS_ENCODER=False)
    model = load_model()
    proba = np.array([[0.3, 0.3, 0.3, 0.1]])
    assert model.cross_encoder() is None
    assert np.array_equal(model.refine(proba, [("A man sings.", "A man does not sing.")], [False]), proba)


def test_repeated_pairs_are_read_once():
    encoder = cross_encoder.load_cross_encoder()
    pair = ("Troops entered the town on Sunday.", "The town was never entered, officials said.")
    first = encoder.predict_proba([pair])
    calls = []
    original = encoder._compute
    encoder._compute = lambda pairs, progress: calls.append(list(pairs)) or original(pairs, progress)
    try:
        again = encoder.predict_proba([pair, ("A new pair.", "Another sentence.")])
    finally:
        encoder._compute = original
    assert np.array_equal(again[0], first[0])
    assert calls == [[("A new pair.", "Another sentence.")]]
