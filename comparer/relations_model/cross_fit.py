"""Fine-tune the MiniLM cross-encoder (standalone: torch + transformers, no Django).

    python comparer/relations_model/cross_fit.py --rows rows.jsonl.gz --base MODEL_DIR --out OUT

``rows.jsonl.gz`` is written by ``cross_training.export_rows`` from the shared data: one
(a, b, label, source, split) row per pair, with the claim-grouped validation split already
applied. Two fits run in one go:

1. the *validation* fit trains on ``split == "train"`` for ``--epochs`` epochs and scores the
   held-out rows after each epoch (FNC-1 macro-F1, Emergent stance accuracy, SICK
   contradiction-F1); it saves the held-out probabilities of every epoch;
2. the *final* fit trains on every row with the same schedule and stops at the epoch that
   scored best in (1), so the shipped weights are the validated recipe on more data.

The script runs on a GPU when there is one (a few minutes) and on CPU otherwise (hours). It
is kept free of Django so that it runs wherever torch does.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

LABELS = ("agree", "contradict", "discusses", "unrelated")
LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}
FROZEN_PREFIX = "bert.embeddings.word_embeddings."
MAX_LENGTH = 128
# Rare classes carry the contradictions; their loss weight is raised (the blend that follows
# re-calibrates the final probabilities on validation data).
CLASS_WEIGHT = (2.0, 4.0, 1.0, 1.0)
# Sentence-level sets are small next to FNC-1's 50,000 pairs; they are repeated per epoch.
REPEAT = {"fnc1": 1, "emergent": 3, "sick": 2, "curator": 5}


def read_rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def f1_scores(gold: list[int], predicted: list[int], classes) -> dict[int, float]:
    scores = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, predicted))
        fp = sum(g != c and p == c for g, p in zip(gold, predicted))
        fn = sum(g == c and p != c for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[c] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def restricted(proba: np.ndarray, allowed: tuple[str, ...]) -> list[int]:
    columns = [LABEL_INDEX[label] for label in allowed]
    return [columns[i] for i in np.argmax(proba[:, columns], axis=1)]


def validation_figures(rows: list[dict], proba: np.ndarray) -> dict:
    figures = {}
    by_source: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_source.setdefault(row["source"], []).append(i)
    if "fnc1" in by_source:
        idx = by_source["fnc1"]
        gold = [LABEL_INDEX[rows[i]["label"]] for i in idx]
        predicted = list(np.argmax(proba[idx], axis=1))
        f1 = f1_scores(gold, predicted, range(4))
        related = [g != 3 for g in gold]
        score = sum((0.25 if (g == 3) == (p == 3) else 0) + (0.75 if g == p and g != 3 else 0)
                    for g, p in zip(gold, predicted))
        best = sum(0.25 + (0.75 if r else 0) for r in related)
        figures["fnc1"] = {"score": 100 * score / best, "macro_f1": sum(f1.values()) / 4, "disagree_f1": f1[1]}
    if "emergent" in by_source:
        idx = by_source["emergent"]
        gold = [LABEL_INDEX[rows[i]["label"]] for i in idx]
        predicted = restricted(proba[idx], ("agree", "contradict", "discusses"))
        figures["emergent"] = {"acc": float(np.mean([g == p for g, p in zip(gold, predicted)]))}
    if "sick" in by_source:
        idx = by_source["sick"]
        gold = [LABEL_INDEX[rows[i]["label"]] for i in idx]
        predicted = restricted(proba[idx], ("agree", "contradict", "unrelated"))
        figures["sick"] = {"acc": float(np.mean([g == p for g, p in zip(gold, predicted)])),
                           "contradiction_f1": f1_scores(gold, predicted, [1])[1]}
    return figures


def selection_score(figures: dict) -> float:
    """One number to pick the epoch: the weakest targets (rare classes, SICK contradictions)."""
    parts = []
    if "fnc1" in figures:
        parts += [figures["fnc1"]["macro_f1"], figures["fnc1"]["disagree_f1"]]
    if "emergent" in figures:
        parts.append(figures["emergent"]["acc"])
    if "sick" in figures:
        parts.append(figures["sick"]["contradiction_f1"])
    return float(np.mean(parts)) if parts else 0.0


class Trainer:
    def __init__(self, base: str, device: str, batch_size: int, lr: float, seed: int):
        from transformers import AutoTokenizer

        self.base, self.device, self.batch_size, self.lr, self.seed = base, device, batch_size, lr, seed
        self.tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)

    def new_model(self):
        from transformers import BertForSequenceClassification

        torch.manual_seed(self.seed)
        model = BertForSequenceClassification.from_pretrained(self.base, num_labels=len(LABELS),
                                                              local_files_only=True, dtype=torch.float32)
        for name, parameter in model.named_parameters():
            parameter.requires_grad = not name.startswith(FROZEN_PREFIX)
        return model.to(self.device)

    def encode(self, rows: list[dict]) -> dict:
        batch = self.tokenizer([r["a"] for r in rows], [r["b"] for r in rows], truncation="longest_first",
                               max_length=MAX_LENGTH, padding="max_length", return_tensors="pt")
        return batch

    def predict(self, model, rows: list[dict]) -> np.ndarray:
        model.eval()
        out = np.zeros((len(rows), len(LABELS)), dtype=np.float32)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]["a"]) + len(rows[i]["b"]))
        with torch.inference_mode():
            for start in range(0, len(order), 512):
                idx = order[start:start + 512]
                batch = self.tokenizer([rows[i]["a"] for i in idx], [rows[i]["b"] for i in idx],
                                       truncation="longest_first", max_length=MAX_LENGTH, padding=True,
                                       return_tensors="pt").to(self.device)
                with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=self.device == "cuda"):
                    logits = model(**batch).logits.float()
                out[idx] = torch.softmax(logits, dim=-1).cpu().numpy()
        model.train()
        return out

    def fit(self, rows: list[dict], epochs: int, stop_after: int | None = None, held_out: list[dict] | None = None,
            log=print) -> tuple[object, list[np.ndarray]]:
        expanded = [r for r in rows for _ in range(REPEAT.get(r["source"], 1))]
        encoded = self.encode(expanded)
        labels = torch.tensor([LABEL_INDEX[r["label"]] for r in expanded])
        model = self.new_model()
        trainable = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(trainable, lr=self.lr, weight_decay=0.01)
        steps_per_epoch = math.ceil(len(expanded) / self.batch_size)
        total = steps_per_epoch * epochs
        warmup = max(1, int(0.06 * total))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))))
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(CLASS_WEIGHT, device=self.device))
        generator = random.Random(self.seed)
        history = []
        model.train()
        for epoch in range(stop_after or epochs):
            started = time.time()
            order = list(range(len(expanded)))
            generator.shuffle(order)
            running = 0.0
            for step, start in enumerate(range(0, len(order), self.batch_size)):
                idx = torch.tensor(order[start:start + self.batch_size])
                batch = {k: v[idx] for k, v in encoded.items()}
                # Trim the padding this batch does not need.
                width = int(batch["attention_mask"].sum(dim=1).max())
                batch = {k: v[:, :width].to(self.device, non_blocking=True) for k, v in batch.items()}
                with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=self.device == "cuda"):
                    logits = model(**batch).logits.float()
                loss = loss_fn(logits, labels[idx].to(self.device))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                running += float(loss.detach())
            log(f"epoch {epoch + 1}: loss {running / (step + 1):.4f}, {len(expanded)} rows in {time.time() - started:.1f}s")
            if held_out:
                proba = self.predict(model, held_out)
                figures = validation_figures(held_out, proba)
                log(f"  held out after epoch {epoch + 1}: {json.dumps(figures)} score {selection_score(figures):.4f}")
                history.append(proba)
        return model, history


def save_delta(model, path: Path) -> int:
    from safetensors.torch import save_file

    state = {name: tensor.detach().to("cpu", torch.float16).contiguous()
             for name, tensor in model.state_dict().items() if not name.startswith(FROZEN_PREFIX)}
    save_file(state, str(path))
    return sum(t.numel() for t in state.values())


def main(argv=None) -> int:
    global MAX_LENGTH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", required=True, type=Path)
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N rows (a smoke test)")
    parser.add_argument("--skip-final", action="store_true")
    parser.add_argument("--max-length", type=int, default=MAX_LENGTH, help="tokens per pair (both sides)")
    args = parser.parse_args(argv)
    MAX_LENGTH = args.max_length
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    args.out.mkdir(parents=True, exist_ok=True)
    log_file = open(args.out / "cross_fit.log", "a", encoding="utf-8")

    def log(message: str) -> None:
        print(message, flush=True)
        log_file.write(message + "\n")
        log_file.flush()

    rows = read_rows(args.rows)
    if args.limit:
        random.Random(args.seed).shuffle(rows)
        rows = rows[:args.limit]
    labelled = [r for r in rows if r.get("label") in LABEL_INDEX]
    train_rows = [r for r in labelled if r["split"] == "train"]
    held_out = [r for r in labelled if r["split"] == "validation"]
    log(f"device {device}; {len(labelled)} labelled rows: {len(train_rows)} train, {len(held_out)} held out")
    trainer = Trainer(args.base, device, args.batch_size, args.lr, args.seed)
    started = time.time()
    _, history = trainer.fit(train_rows, args.epochs, held_out=held_out, log=log)
    scores = [selection_score(validation_figures(held_out, proba)) for proba in history]
    best = int(np.argmax(scores)) + 1 if scores else args.epochs
    for epoch, proba in enumerate(history, start=1):
        np.save(args.out / f"heldout_epoch{epoch}.npy", proba)
    with open(args.out / "heldout_rows.json", "w", encoding="utf-8") as handle:
        json.dump([{"id": r["id"], "source": r["source"], "label": r["label"]} for r in held_out], handle)
    log(f"validation fit done in {time.time() - started:.1f}s; best epoch {best} of {args.epochs}")
    if not args.skip_final:
        started = time.time()
        model, _ = trainer.fit(labelled, args.epochs, stop_after=best, log=log)
        count = save_delta(model, args.out / "cross_encoder.safetensors")
        log(f"final fit on {len(labelled)} rows, {best} epochs, in {time.time() - started:.1f}s; "
            f"saved {count} parameters")
    json.dump({"best_epoch": best, "scores": scores, "epochs": args.epochs, "lr": args.lr,
               "batch_size": args.batch_size, "class_weight": CLASS_WEIGHT, "repeat": REPEAT,
               "max_length": MAX_LENGTH, "device": device},
              open(args.out / "cross_fit.json", "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
