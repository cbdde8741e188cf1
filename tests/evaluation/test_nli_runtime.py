"""The NLI model's ONNX Runtime path: exported once from the shipped artefact, reading like the float model."""
from __future__ import annotations

import numpy as np
import pytest

from comparer.evaluation import nli_sets
from comparer.relations_model import cross_encoder, nli
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not nli.NLI_ARTIFACT_PATH.exists(), reason="NLI artefact not built")


def test_app_runs_the_int8_onnx_export_of_the_shipped_artefact():
    model = nli.load_nli()

    assert isinstance(model, cross_encoder.OnnxCrossEncoder)
    export = cross_encoder.onnx_export_path(nli.NLI_ARTIFACT_PATH)
    assert export.exists()
    # int8 weights: a quarter of the ~90 MB float graph
    assert export.stat().st_size < 40_000_000


@pytest.mark.skipif(not (SHARED_DATA / "snli" / "snli_dev.tsv").exists(), reason="../shared/data is absent")
def test_onnx_int8_reads_public_pairs_like_the_float_model():
    rows = nli_sets.load(SHARED_DATA / "snli" / "snli_dev.tsv", limit=60)
    pairs = [(premise, hypothesis) for premise, hypothesis, _ in rows]
    exact = cross_encoder.build(nli.NLI_ARTIFACT_PATH, quantize=False, labels=nli.NLI_LABELS)

    onnx_proba = nli.load_nli()._compute(pairs, progress=False)
    float_proba = exact._compute(pairs, progress=False)

    assert np.allclose(onnx_proba.sum(axis=1), 1.0, atol=1e-4)
    assert (onnx_proba.argmax(axis=1) == float_proba.argmax(axis=1)).mean() >= 0.85
    assert np.abs(onnx_proba - float_proba).mean() < 0.05


def test_unknown_runtime_is_refused(monkeypatch):
    monkeypatch.setenv("COMPARER_NLI_RUNTIME", "tensorrt")

    with pytest.raises(ValueError, match="onnx or torch"):
        nli.nli_runtime()
