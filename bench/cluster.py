"""Our claim clustering against scikit-learn's agglomerative clustering on the same claim
embeddings: wall time, and B³ against Emergent's claimIds on its rows.

    .venv/bin/python bench/cluster.py [--quick] [--claims N] [--cut C] [--repeat R] [--precomputed] [--end-to-end]

Items (real, public): every Emergent article headline (../shared/data/emergent/emergent_train.csv,
2,071 rows, gold group = claimId), plus the claims the pipeline's own splitter makes of FNC-1
article bodies (each body: its first sentence as the headline claim, then every sentence) until
there are about N items (default 20,000; --quick 5,000). FNC-1 bodies come from the same stories
as Emergent, so they are hard distractors, not random noise. Vectors are the pipeline's MiniLM
sentence vectors, encoded once and cached (var/bench/); encoding is not clustering. The
comparison reads no database (only --end-to-end uses one).

Both sides cluster the very same item list and vectors, and both are timed around the call only
(ours: the median of --repeat runs, default 3; scikit-learn: one run, it takes minutes); wall and
CPU seconds are printed, CPU being less sensitive to other work on a shared machine:

- ours: ``comparer.pipeline.propositions.group_propositions`` — the function ``cluster_claims``,
  ``evaluate emergent`` and the relation model's validation call. Two settings:
  * cosine only (``embedding_weight=1``), cut at similarity C (default 0.5): the same semantics
    as scikit-learn below, so the two partitions must be identical;
  * the pipeline's own setting (MiniLM blended with word vectors, ``SAME_PROPOSITION``).
  The target (>= 10x) is judged on both against scikit-learn cosine below.
- scikit-learn: ``AgglomerativeClustering(metric="cosine", linkage="average",
  distance_threshold=1 - C)`` on the same vectors. With ``--precomputed`` also on ``1 - `` the
  pipeline's blended similarity (a dense n x n matrix: 3.2 GB at 20k), cut at
  ``1 - SAME_PROPOSITION``: the same semantics as ours in the pipeline setting.

B³ is computed over the Emergent rows with ``comparer.evaluation.metrics.b_cubed``. Agreement of
two partitions is B³ of one taken as gold for the other (1.000 / 1.000 when identical).
``--end-to-end`` also times ``run.analyze`` on the same items loaded as articles (claims, events,
claim clusters and relations; its own database ``comparer_bench_cluster``), as a separate line.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

from common import (bench_vectors, body_claim_drafts, emergent_rows, fnc1_bodies, log, machine,
                    prime_embedding_cache, setup_django)

DB_NAME = "comparer_bench_cluster"


class Clock:
    """Wall and CPU seconds of a block (CPU counts every thread of this process)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self):
        return f"{self.wall:.1f} s (CPU {self.cpu:.1f} s)"


class Runs:
    """Several timed runs of one call: the median's wall and CPU time, and the spread."""

    def __init__(self, clocks: list[Clock]):
        ordered = sorted(clocks, key=lambda c: c.wall)
        middle = ordered[len(ordered) // 2]
        self.wall, self.cpu = middle.wall, middle.cpu
        self.spread = (f"; median of {len(ordered)} runs, {ordered[0].wall:.1f}-{ordered[-1].wall:.1f} s"
                       if len(ordered) > 1 else "")

    def __str__(self):
        return f"{self.wall:.1f} s (CPU {self.cpu:.1f} s{self.spread})"


def timed(call, repeat: int):
    clocks, result = [], None
    for _ in range(repeat):
        with Clock() as clock:
            result = call()
        clocks.append(clock)
    return Runs(clocks), result


def load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def fnc1_articles(target_claims: int, emergent_claims: int) -> list[tuple[int, str, str]]:
    """(body id, title, text) of the FNC-1 bodies that bring the total to about ``target_claims``."""
    bodies = fnc1_bodies()
    drafts = body_claim_drafts(bodies)
    chosen, claims = [], emergent_claims
    for body_id in sorted(bodies):
        if claims >= target_claims:
            break
        title = drafts[body_id][0].text if drafts[body_id] else f"FNC-1 body {body_id}"
        chosen.append((body_id, title, bodies[body_id]))
        claims += 1 + len(drafts[body_id])
    return chosen


def items(target_claims: int) -> tuple[list[str], int]:
    """The texts to cluster (Emergent headlines first, one per row) and how many are Emergent rows."""
    headlines = [row["articleHeadline"].strip() for row in emergent_rows()]
    drafts = body_claim_drafts(fnc1_bodies())
    texts = list(headlines)
    for body_id, title, _ in fnc1_articles(target_claims, len(headlines)):
        texts += [title] + [d.text for d in drafts[body_id]]
    return texts, len(headlines)


def agreement(a, b) -> str:
    from comparer.evaluation.metrics import b_cubed

    p, r, _ = b_cubed(list(a), list(b))
    return "identical" if p == r == 1.0 else f"B3 P {p:.3f} R {r:.3f} of one against the other"


def end_to_end(target: int) -> None:
    """The old measurement: run.analyze on the same items loaded as articles (own database)."""
    from django.core.management import call_command

    from comparer.models import Article
    from comparer.pipeline.ingest import ArticleInput, IngestError, OutletInput, ingest_article
    from comparer.pipeline.run import analyze

    call_command("flush", interactive=False, verbosity=0)
    texts, _ = items(target)
    vectors = bench_vectors(texts)
    prime_embedding_cache(list(vectors), np.array(list(vectors.values())))
    for index, row in enumerate(emergent_rows()):
        headline = row["articleHeadline"].strip()
        try:
            ingest_article(ArticleInput(
                outlet=OutletInput(name=f"Emergent outlet {index % 12:02d}", is_sample=True), title=headline,
                text=headline, source_format="csv", source_name="emergent/emergent_train.csv",
                metadata={"claim_id": row["claimId"], "dataset_id": row["articleId"]}))
        except IngestError:
            continue
    for body_id, title, text in fnc1_articles(target, len(emergent_rows())):
        ingest_article(ArticleInput(outlet=OutletInput(name=f"Emergent outlet {body_id % 12:02d}", is_sample=True),
                                    title=title, text=text, source_format="csv",
                                    source_name="fnc1/train_bodies.csv", metadata={"dataset_id": str(body_id)}))
    log(f"end to end: {Article.objects.count()} articles loaded; running run.analyze")
    with Clock() as clock:
        report = analyze()
    print(f"end to end, run.analyze (claims, events, claim clusters, relations; vectors cached; {load()}): "
          f"{clock}; {report}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 5,000 claims instead of 20,000")
    parser.add_argument("--claims", type=int, default=0, help="about how many claims to cluster")
    parser.add_argument("--cut", type=float, default=0.5,
                        help="cosine similarity at which both cosine-only runs are cut (default 0.5)")
    parser.add_argument("--precomputed", action="store_true",
                        help="also run scikit-learn on the pipeline's blended similarity (dense n x n)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours (the median is reported; default 3)")
    parser.add_argument("--end-to-end", action="store_true",
                        help="also time run.analyze on the same items in a database (slow)")
    args = parser.parse_args()
    target = args.claims or (5000 if args.quick else 20000)

    setup_django(DB_NAME)
    from sklearn.cluster import AgglomerativeClustering

    from comparer.evaluation.metrics import b_cubed
    from comparer.pipeline import propositions
    from comparer.relations_model import load_model

    texts, emergent_count = items(target)
    known = bench_vectors(texts)
    matrix = np.array([known[text] for text in texts], dtype=np.float32)
    gold = [row["claimId"] for row in emergent_rows()]
    model = load_model()
    analyzer = model.analyzer if model is not None else None
    rows = slice(0, emergent_count)
    print(f"machine: {machine()} (shared with other work while this ran)")
    print(f"items: {len(texts):,} claims ({len(set(texts)):,} distinct sentences), of which {emergent_count:,} "
          f"Emergent rows in {len(set(gold))} gold claims; vectors {matrix.shape[1]}-d")

    def b3(labels) -> str:
        p, r, f = b_cubed(gold, list(labels[rows]))
        return f"B3 on the Emergent rows P {p:.3f} R {r:.3f} F1 {f:.3f}"

    cut = args.cut
    log(f"ours, cosine only, cut {cut}, {args.repeat} runs ({load()})")
    ours_cos, labels_cos = timed(lambda: np.array(propositions.group_propositions(
        texts, matrix, analyzer, threshold=cut, embedding_weight=1.0)), args.repeat)
    print(f"ours, cosine only, cut at similarity {cut} ({load()}): {ours_cos}; {len(set(labels_cos)):,} clusters; "
          f"{b3(labels_cos)}")
    weight, threshold = propositions.EMBEDDING_WEIGHT, propositions.SAME_PROPOSITION
    log(f"ours, pipeline setting, {args.repeat} runs ({load()})")
    ours_blend, labels_blend = timed(lambda: np.array(propositions.group_propositions(texts, matrix, analyzer)),
                                     args.repeat)
    print(f"ours, pipeline setting (MiniLM x {weight} + word vectors x {1 - weight:.1f}, cut {threshold}; {load()}): "
          f"{ours_blend}; {len(set(labels_blend)):,} clusters; {b3(labels_blend)}")

    log(f"scikit-learn, cosine, cut {cut} ({load()}) — about a minute or two at 20k")
    with Clock() as sk_cos:
        labels_sk = AgglomerativeClustering(n_clusters=None, distance_threshold=1 - cut, metric="cosine",
                                            linkage="average").fit_predict(matrix)
    print(f"scikit-learn average linkage, cosine distance, cut {1 - cut:.2f} ({load()}): {sk_cos}; "
          f"{len(set(labels_sk)):,} clusters; {b3(labels_sk)}")
    same = agreement(labels_sk, labels_cos)
    print(f"  ours (cosine only) against scikit-learn, whole partition of {len(texts):,}: {same}")
    sk_blend = None
    if args.precomputed:
        log(f"dense blended similarity for scikit-learn ({load()})")
        with Clock() as dense:
            distance = 1.0 - propositions.similarity_matrix(texts, matrix, analyzer or propositions.default_analyzer())
            np.clip(distance, 0.0, None, out=distance)
            np.fill_diagonal(distance, 0.0)
        with Clock() as sk_blend:
            labels_skb = AgglomerativeClustering(n_clusters=None, distance_threshold=1 - threshold,
                                                 metric="precomputed", linkage="average").fit_predict(distance)
        del distance
        print(f"scikit-learn average linkage on 1 - the pipeline's blended similarity (precomputed; building the "
              f"dense matrix took {dense} more; {load()}): {sk_blend}; {len(set(labels_skb)):,} clusters; "
              f"{b3(labels_skb)}")
        print(f"  ours (pipeline setting) against it, whole partition: {agreement(labels_skb, labels_blend)}")
    if args.end_to_end:
        end_to_end(target)

    ratio = sk_cos.wall / ours_cos.wall
    ratio_blend = sk_cos.wall / ours_blend.wall
    _, _, f_cos = b_cubed(gold, list(labels_cos[rows]))
    _, _, f_blend = b_cubed(gold, list(labels_blend[rows]))
    _, _, f_sk = b_cubed(gold, list(labels_sk[rows]))
    verdict = "met" if min(ratio, ratio_blend) >= 10 else "NOT met"
    same_blend = ""
    if sk_blend is not None:
        same_blend = (f"; on the same blend (precomputed) scikit-learn {sk_blend.wall:.1f} s, "
                      f"{sk_blend.wall / ours_blend.wall:.1f}x ours ({(sk_blend.wall + dense.wall) / ours_blend.wall:.1f}x "
                      f"with building its dense matrix)")
    print(f"SUMMARY cluster: {len(texts):,} claims; scikit-learn average-linkage cosine {sk_cos.wall:.1f} s vs ours "
          f"{ours_cos.wall:.1f} s cosine only ({ratio:.1f}x faster, CPU {sk_cos.cpu / ours_cos.cpu:.1f}x; partition "
          f"{same}) and {ours_blend.wall:.1f} s in the pipeline setting ({ratio_blend:.1f}x faster, CPU "
          f"{sk_cos.cpu / ours_blend.cpu:.1f}x); target >= 10x {verdict}{same_blend}; B3-F1 on Emergent rows: "
          f"scikit-learn {f_sk:.3f} and ours {f_cos:.3f} at cut {cut}, ours {f_blend:.3f} in the pipeline setting; "
          f"{load()}")


if __name__ == "__main__":
    main()
