"""The relate stage's NLI model in each runtime: speed on news sentence pairs and held-out figures.

    .venv/bin/python bench/nli_runtime.py [--pairs 800] [--runtimes torch-fp32,torch-int8,onnx-int8]

The same fine-tuned artefact (``relations_model/artifacts/nli.safetensors``) run three ways:
torch float32 (what training measured), torch dynamic int8, and ONNX Runtime int8 (the app's
default, ``COMPARER_NLI_RUNTIME``). Prints, per runtime:
- pairs per second on ``--pairs`` pairs of FNC-1 body sentences (length-sorted batches of the size
  each runtime uses in the app; memo off) and the share of pairs whose label matches the float model's;
- accuracy and contradiction-F1 on the training script's held-out sets (``nli_fit.load_rows``):
  SNLI dev, SICK TRIAL, RTE-3 dev's every fourth pair, Emergent's held-out fifth of the claims.
Last line: ``SUMMARY nli-runtime: <runtime> N pairs/s ...``.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, fnc1_bodies, log, machine  # noqa: E402


def models(names: list[str]):
    from comparer.relations_model import cross_encoder, nli

    for name in names:
        if name == "torch-fp32":
            yield name, cross_encoder.build(nli.NLI_ARTIFACT_PATH, quantize=False, labels=nli.NLI_LABELS)
        elif name == "torch-int8":
            yield name, cross_encoder.build(nli.NLI_ARTIFACT_PATH, quantize=True, labels=nli.NLI_LABELS)
        elif name == "onnx-int8":
            yield name, cross_encoder.build_onnx(nli.NLI_ARTIFACT_PATH, labels=nli.NLI_LABELS)
        else:
            raise SystemExit(f"unknown runtime {name!r}")


def news_pairs(count: int) -> list[tuple[str, str]]:
    sentences = []
    for body in list(fnc1_bodies().values())[:600]:
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", body) if 30 < len(s) < 300]
    random.Random(0).shuffle(sentences)
    return [(sentences[i], sentences[i + 1]) for i in range(0, 2 * count, 2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=800)
    parser.add_argument("--runtimes", default="torch-fp32,torch-int8,onnx-int8")
    args = parser.parse_args()
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comparer.settings")
    import django

    django.setup()
    import torch

    from comparer.relations_model.nli_fit import figures, load_rows

    torch.set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
    print(f"machine: {machine()}; load {os.getloadavg()[0]:.1f}")
    pairs = news_pairs(args.pairs)
    held_out = {source: rows for source, rows in load_rows(DATA).items() if source != "train"}
    reference = None
    summary = []
    for name, model in models(args.runtimes.split(",")):
        model._compute(pairs[:64], progress=False)   # warm-up
        started = time.perf_counter()
        proba = model._compute(pairs, progress=False)
        rate = len(pairs) / (time.perf_counter() - started)
        if reference is None and name == "torch-fp32":
            reference = proba.argmax(axis=1)
        same = f"{(proba.argmax(axis=1) == reference).mean():.3f}" if reference is not None else "n/a"
        cells = []
        for source, rows in held_out.items():
            log(f"{name}: {source} ({len(rows)} pairs)")
            result = figures(rows, model._compute([(r["a"], r["b"]) for r in rows], progress=False))
            cells.append(f"{source} {result['acc']:.3f}/{result['contradiction_f1']:.3f}")
        print(f"{name}: {rate:.1f} pairs/s on {len(pairs)} FNC-1 sentence pairs; label as float model {same}; "
              f"held out acc/contradiction-F1: {', '.join(cells)}", flush=True)
        summary.append(f"{name} {rate:.1f} pairs/s")
    print("SUMMARY nli-runtime: " + ", ".join(summary))


if __name__ == "__main__":
    main()
