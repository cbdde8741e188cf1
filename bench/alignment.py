"""How many of the dev pack's judged agreements and contradictions claim alignment finds, per k.

    .venv/bin/python bench/alignment.py [--ks 1,2,3,4,5,6,8] [--floors 0.5,0.6]

The relate stage judges only the pairs ``relate.align`` keeps: each claim with its k nearest
claims of other outlets in its event that share an anchor. A smaller k costs the NLI model less
(issue 15) and loses the pairs that are not among anyone's k nearest (issue 14). This measures
both on real text, for the agree/contradict pairs of the frozen dev pack
(``comparer/evaluation/devpack/pairs.tsv``), each put back into the event it came from:

- FNC-1: the bodies related (agree/disagree/discuss) to the pair's headline, one outlet each,
  split by the pipeline's own claim splitter, plus the headline as a one-sentence article;
- Emergent: every headline of the pair's claim, one outlet each;
- ECB+: every document of the pair's topic and subtopic (one real event), one outlet each.

A pair is *found* at k when the pipeline's alignment (``align.nearest_pairs`` then
``align.share_anchor``, run from every claim) keeps it. Figures: recall per label and source, and
aligned pairs per claim (what the NLI model reads, before the memo). Nothing is trained or tuned
here; the pack's labels were judged before any of this.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (DATA, ROOT, body_claim_drafts, emergent_rows, encode_cached, fnc1_bodies,  # noqa: E402
                    fnc1_stances, log)

PACK = ROOT / "comparer" / "evaluation" / "devpack" / "pairs.tsv"
# The judged text was cut from its document by the pack's own splitter; the pipeline's split of
# the same document may differ at the edges, so the best fuzzy match stands for it.
MIN_MATCH = 85


def setup() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comparer.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import django

    django.setup()


def read_pack(labels: tuple[str, ...] = ("agree", "contradict")) -> list[dict]:
    with PACK.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row["label"] in labels]


class Event:
    """An event's articles as (outlet key, claim drafts) and the claims in one flat list."""

    def __init__(self, articles: dict[str, list]):
        self.keys, self.drafts = [], []
        for key, drafts in articles.items():
            for draft in drafts:
                if draft.is_checkworthy:
                    self.keys.append(key)
                    self.drafts.append(draft)

    def locate(self, key: str, text: str) -> int | None:
        from rapidfuzz import fuzz

        best, where = 0.0, None
        for i, (owner, draft) in enumerate(zip(self.keys, self.drafts)):
            if owner == key:
                score = fuzz.ratio(" ".join(text.split()), " ".join(draft.text.split()))
                if score > best:
                    best, where = score, i
        return where if best >= MIN_MATCH else None


def fnc1_events():
    from comparer.pipeline.claims import extract_claims

    # The pipeline's claim split of every body, cached beside the other benchmarks' (common.py).
    split = body_claim_drafts(fnc1_bodies())
    stances = fnc1_stances()
    headline_ids: dict[str, int] = {}
    for row in stances:
        headline_ids.setdefault(row["Headline"], len(headline_ids))
    related: dict[int, set[int]] = defaultdict(set)
    headline_of: dict[int, str] = {}
    for row in stances:
        hid = headline_ids[row["Headline"]]
        headline_of[hid] = row["Headline"]
        if row["Stance"] != "unrelated":
            related[hid].add(int(row["Body ID"]))

    def event_for(source_a: str, source_b: str) -> tuple[Event, str, str] | None:
        kind_a, id_a = source_a.split(":")[1:3]
        _kind_b, id_b = source_b.split(":")[1:3]
        if kind_a == "headline":
            hid = int(id_a)
        else:   # two bodies: the biggest story both belong to
            both = [h for h, group in related.items() if int(id_a) in group and int(id_b) in group]
            if not both:
                return None
            hid = max(both, key=lambda h: (len(related[h]), -h))
        articles = {f"body:{b}": split[b] for b in sorted(related[hid])}
        articles[f"headline:{hid}"] = extract_claims(title=headline_of[hid], text="")
        return Event(articles), f"{kind_a}:{id_a}", f"body:{id_b}"

    return event_for


def emergent_events():
    from comparer.pipeline.claims import extract_claims

    rows = emergent_rows()
    claim_of = {row["articleId"]: row["claimId"] for row in rows}
    by_claim: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        by_claim[row["claimId"]][row["articleId"]] = row["articleHeadline"]

    def event_for(source_a: str, source_b: str):
        id_a, id_b = source_a.split(":")[1], source_b.split(":")[1]
        articles = {article: extract_claims(title=headline, text="")
                    for article, headline in by_claim[claim_of[id_a]].items()}
        return Event(articles), id_a, id_b

    return event_for


def ecb_events():
    from comparer.pipeline.claims import extract_claims

    csv.field_size_limit(1 << 30)
    with (DATA / "ecbplus" / "documents.tsv").open(encoding="utf-8", newline="") as handle:
        documents = list(csv.DictReader(handle, delimiter="\t"))
    by_event: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for document in documents:
        by_event[(document["topic"], document["subtopic"])].append(document)

    def body(document: dict) -> str:
        numbers = json.loads(document["sentence_numbers"])
        # ECB+ documents start with their source URL as sentence 0
        return "\n".join(s for n, s in zip(numbers, document["sentences"].split("\n"))
                         if not (document["subtopic"] == "ecbplus" and n == 0))

    def event_for(source_a: str, source_b: str):
        doc_a, doc_b = source_a.split(":")[1], source_b.split(":")[1]
        document = next(d for d in documents if d["doc_id"] == doc_a)
        group = by_event[(document["topic"], document["subtopic"])]
        if doc_b not in {d["doc_id"] for d in group}:
            group = group + [d for d in documents if d["doc_id"] == doc_b]
        articles = {d["doc_id"]: extract_claims(title="", text=body(d)) for d in group}
        return Event(articles), doc_a, doc_b

    return event_for


def aligned(event: Event, vectors: np.ndarray, k: int, floor: float) -> set[tuple[int, int]]:
    """The pairs the relate stage would judge in this event at ``k`` and cosine ``floor`` (``relate.aligned_pairs``'s steps)."""
    from comparer.pipeline.relate import align

    outlets = np.array([hash(key) for key in event.keys])
    everyone = np.ones(len(event.drafts), dtype=bool)
    near = align.nearest_pairs(vectors, outlets, everyone, np.arange(len(event.drafts)), k=k, min_similarity=floor)
    words = [align.anchors(d.text) for d in event.drafts]
    kinds = [align.counted_kinds(d.numbers) for d in event.drafts]
    return {(i, j) for (i, j) in near if align.share_anchor(words[i], words[j], kinds[i], kinds[j])}


def print_end_to_end(pack: list[dict], settings: list[tuple[int, float]], found_rows: dict[tuple, set[int]]) -> None:
    """What the relate stage would show of the pack at each setting: a pair counts when aligned and judged."""
    from comparer.pipeline.relate import judge_texts

    verdicts = judge_texts([(row["a"], row["b"]) for row in pack])
    gold = {label: sum(row["label"] == label for row in pack) for label in ("agree", "contradict")}
    print("k, cosine floor | shown agree right/shown (recall) | shown contradict right/shown (recall)")
    for setting in settings:
        cells = []
        for label in ("agree", "contradict"):
            shown = [i for i in found_rows[setting] if verdicts[i] is not None and verdicts[i].label == label]
            right = sum(pack[i]["label"] == label for i in shown)
            cells.append(f"{right}/{len(shown)} ({right / gold[label]:.3f})")
        print(f"{setting[0]}, {setting[1]:.2f} | " + " | ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ks", default="1,2,3,4,5,6,8")
    parser.add_argument("--floors", default=None,
                        help="cosine floors to try (default: the shipped align.MIN_SIMILARITY)")
    parser.add_argument("--judge", action="store_true",
                        help="also judge the pack's pairs (its 'none' pairs too) and print what the whole relate "
                             "stage would show at each setting: found and judged right, and wrong relations shown")
    args = parser.parse_args()
    setup()
    from comparer.pipeline.relate import align

    floors = [float(f) for f in args.floors.split(",")] if args.floors else [align.MIN_SIMILARITY]
    ks = [(int(k), floor) for floor in floors for k in args.ks.split(",")]
    builders = {"fnc1": fnc1_events(), "emergent": emergent_events(), "ecbplus": ecb_events()}
    pack = read_pack(("agree", "contradict", "none") if args.judge else ("agree", "contradict"))
    log(f"{len(pack)} judged agree/contradict pairs in {PACK.relative_to(ROOT)}")
    found = {k: defaultdict(int) for k in ks}
    found_rows: dict[tuple, set[int]] = defaultdict(set)   # setting -> indices into pack
    totals: dict[tuple[str, str], int] = defaultdict(int)
    lost = defaultdict(int)
    pair_counts = {k: [0, 0] for k in ks}   # pairs, claims (summed over distinct events)
    seen_events: set[tuple] = set()
    for index, row in enumerate(pack):
        family = row["source_a"].split(":")[0]
        built = builders[family](row["source_a"], row["source_b"])
        key = (row["label"], family)
        totals[key] += 1
        if built is None:
            lost["no shared event"] += 1
            continue
        event, owner_a, owner_b = built
        ia, ib = event.locate(owner_a, row["a"]), event.locate(owner_b, row["b"])
        if ia is None or ib is None:
            lost["not a check-worthy claim of its document"] += 1
            continue
        vectors = encode_cached([d.text for d in event.drafts], "alignment")
        vectors = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
        signature = tuple(sorted(set(event.keys)))
        for k in ks:
            pairs = aligned(event, vectors, *k)
            if (min(ia, ib), max(ia, ib)) in pairs:
                found[k][key] += 1
                found_rows[k].add(index)
            if signature not in seen_events:
                pair_counts[k][0] += len(pairs)
                pair_counts[k][1] += len(event.drafts)
        seen_events.add(signature)
    if args.judge:
        print_end_to_end(pack, ks, found_rows)
    totals = {key: count for key, count in totals.items() if key[0] != "none"}
    labels = sorted(totals)
    print(f"dev pack pairs: {sum(totals.values())} ({', '.join(f'{l}/{f} {totals[(l, f)]}' for l, f in labels)})")
    for why, count in sorted(lost.items()):
        print(f"  not alignable at any k ({why}): {count}")
    print("k, cosine floor | found agree | found contradict | " + " | ".join(f"{l}/{f}" for l, f in labels)
          + " | aligned pairs per claim")
    for k in ks:
        agree = sum(v for (l, _), v in found[k].items() if l == "agree")
        contradict = sum(v for (l, _), v in found[k].items() if l == "contradict")
        n_agree = sum(v for (l, _), v in totals.items() if l == "agree")
        n_contradict = sum(v for (l, _), v in totals.items() if l == "contradict")
        pairs, claims = pair_counts[k]
        print(f"{k[0]}, {k[1]:.2f} | {agree}/{n_agree} {agree / n_agree:.3f} | {contradict}/{n_contradict} {contradict / n_contradict:.3f} | "
              + " | ".join(f"{found[k][key]}" for key in labels) + f" | {pairs / max(claims, 1):.2f}")
    best = max(k for k, _ in ks)
    total = sum(totals.values())
    print("SUMMARY alignment: " + " ".join(f"k={k} floor {floor:.2f} recall {sum(found[(k, floor)].values()) / total:.3f}"
                                           for k, floor in ks)
          + f" (of {total} judged pairs; k={best} is the ceiling of this alignment)")


if __name__ == "__main__":
    main()
