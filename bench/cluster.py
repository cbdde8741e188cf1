"""Our clustering against scikit-learn's agglomerative clustering on the same claim embeddings:
wall time and B³-F1 against Emergent's claimIds.

    .venv/bin/python bench/cluster.py [--quick] [--claims N]

Items (real, public): every Emergent article headline (../shared/data/emergent/emergent_train.csv,
2,071 rows, gold group = claimId), each ingested as an article, plus FNC-1 article bodies as
further articles until there are about N claims (default 20,000; --quick 5,000). FNC-1 bodies
come from the same stories as Emergent, so they are hard distractors, not random noise.

- ours: ``run.analyze`` on all articles, in its own database (``comparer_bench_cluster``), with
  every sentence vector already in the embedding cache (encoding is not clustering). Timed whole:
  claims, events (article clustering over the HNSW index) and claim clusters, relations too;
  ``--without-relations`` skips ``relate.relate_event`` to time the clustering stages alone.
- scikit-learn: ``AgglomerativeClustering(metric="cosine", linkage="average")`` on the very same
  claim vectors read back from the database, cut at distance 1 - CLAIM_SIMILARITY (the
  pipeline's own threshold) and at the threshold that scores best on Emergent (an upper bound
  for it: tuned on the answer).

B³ is computed over the Emergent rows (each row: the headline claim of its article) with
``comparer.evaluation.metrics.b_cubed``; ours is scored by event and by claim cluster.
"""
from __future__ import annotations

import argparse

import numpy as np

from common import (Timer, bench_vectors, body_claim_drafts, emergent_rows, fnc1_bodies, log, machine,
                    prime_embedding_cache, setup_django)

DB_NAME = "comparer_bench_cluster"


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


def needed_texts(target_claims: int) -> list[str]:
    headlines = [row["articleHeadline"].strip() for row in emergent_rows()]
    drafts = body_claim_drafts(fnc1_bodies())
    texts = list(headlines)
    for body_id, title, _ in fnc1_articles(target_claims, 2 * len(set(headlines))):
        texts += [title] + [d.text for d in drafts[body_id]]
    return texts


def load_articles(target_claims: int) -> dict[int, str]:
    """Emergent headlines, then FNC-1 bodies; returns {emergent row index: article id}."""
    from comparer.models import Article
    from comparer.pipeline.ingest import ArticleInput, IngestError, OutletInput, ingest_article

    row_article: dict[int, int] = {}
    skipped = 0
    for index, row in enumerate(emergent_rows()):
        headline = row["articleHeadline"].strip()
        try:
            article, _ = ingest_article(ArticleInput(
                outlet=OutletInput(name=f"Emergent outlet {index % 12:02d}", is_sample=True),
                title=headline, text=headline, source_format="csv", source_name="emergent/emergent_train.csv",
                metadata={"claim_id": row["claimId"], "dataset_id": row["articleId"]}))
        except IngestError:
            skipped += 1
            continue
        row_article[index] = article.id
    if skipped:
        log(f"{skipped} Emergent headlines are too short to ingest; they are left out of the score")
    for body_id, title, text in fnc1_articles(target_claims, 2 * len(set(row_article.values()))):
        ingest_article(ArticleInput(outlet=OutletInput(name=f"Emergent outlet {body_id % 12:02d}", is_sample=True),
                                    title=title, text=text, source_format="csv",
                                    source_name="fnc1/train_bodies.csv", metadata={"dataset_id": str(body_id)}))
    log(f"{Article.objects.count()} articles loaded")
    return row_article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 5,000 claims instead of 20,000")
    parser.add_argument("--claims", type=int, default=0, help="about how many claims to cluster")
    parser.add_argument("--without-relations", action="store_true",
                        help="time ours without judging relations (relate.relate_event skipped), "
                             "i.e. claims, events and claim clusters only")
    args = parser.parse_args()
    target = args.claims or (5000 if args.quick else 20000)

    setup_django(DB_NAME)
    from django.core.management import call_command
    from sklearn.cluster import AgglomerativeClustering

    from comparer.evaluation.metrics import b_cubed
    from comparer.models import Claim
    from comparer.pipeline import cluster
    from comparer.pipeline.run import analyze

    call_command("flush", interactive=False, verbosity=0)
    vectors = bench_vectors(needed_texts(target))
    prime_embedding_cache(list(vectors), np.array(list(vectors.values())))
    row_article = load_articles(target)
    gold_rows = emergent_rows()

    from contextlib import nullcontext
    from unittest import mock

    skip_relations = mock.patch("comparer.pipeline.relate.relate_event", return_value=0)
    with skip_relations if args.without_relations else nullcontext(), Timer() as ours:
        report = analyze()
    log(f"ours: {report}")
    claims = list(Claim.objects.order_by("id").values_list("id", "article_id", "position", "event_id", "cluster_id",
                                                          "embedding"))
    headline_of = {article_id: (event_id, cluster_id, i) for i, (_, article_id, position, event_id, cluster_id, _)
                   in enumerate(claims) if position == 0}
    rows = sorted(row_article)
    gold = [gold_rows[i]["claimId"] for i in rows]
    by_event = [headline_of[row_article[i]][0] for i in rows]
    by_cluster = [headline_of[row_article[i]][1] for i in rows]
    matrix = np.array([np.asarray(c[5], dtype=np.float32) for c in claims])

    threshold = 1 - cluster.CLAIM_SIMILARITY
    sklearn_runs = {}
    for cut in sorted({round(threshold, 2), 0.4, 0.5, 0.6}):
        with Timer() as timer:
            labels = AgglomerativeClustering(n_clusters=None, distance_threshold=cut, metric="cosine",
                                             linkage="average").fit_predict(matrix)
        predicted = [labels[headline_of[row_article[i]][2]] for i in rows]
        sklearn_runs[cut] = (timer.seconds, b_cubed(gold, predicted), len(set(labels)))
        log(f"scikit-learn cut {cut}: {timer.seconds:.1f} s, B3 F1 {sklearn_runs[cut][1][2]:.3f}")

    print(f"machine: {machine()} (shared with other work while this ran)")
    print(f"items: {len(claims):,} claims from {len(set(c[1] for c in claims)):,} articles; "
          f"{len(rows):,} Emergent rows in {len(set(gold))} gold claims")
    p, r, f = b_cubed(gold, by_event)
    what = "run.analyze without relations" if args.without_relations else "run.analyze"
    print(f"ours ({what}, vectors cached): {ours.seconds:.1f} s; "
          f"{len(set(c[3] for c in claims))} events, {len(set(c[4] for c in claims))} claim clusters")
    print(f"  B3 by event:         P {p:.3f} R {r:.3f} F1 {f:.3f}")
    p2, r2, f2 = b_cubed(gold, by_cluster)
    print(f"  B3 by claim cluster: P {p2:.3f} R {r2:.3f} F1 {f2:.3f}")
    for cut, (seconds, (sp, sr, sf), count) in sklearn_runs.items():
        note = " (the pipeline's threshold)" if cut == round(threshold, 2) else ""
        print(f"scikit-learn average-linkage cosine, cut {cut}{note}: {seconds:.1f} s, {count} clusters; "
              f"B3 P {sp:.3f} R {sr:.3f} F1 {sf:.3f}")
    same_cut = sklearn_runs[round(threshold, 2)]
    best_cut, best = max(sklearn_runs.items(), key=lambda item: item[1][1][2])
    speedup = same_cut[0] / ours.seconds
    versus = f"{speedup:.1f}x faster" if speedup >= 1 else f"{1 / speedup:.0f}x slower"
    print(f"SUMMARY cluster: ours {ours.seconds:.1f} s vs scikit-learn {same_cut[0]:.1f} s on {len(claims):,} "
          f"claims: ours is {versus} (target >= 10x faster); B3-F1 ours {max(f, f2):.3f} "
          f"(by {'event' if f >= f2 else 'claim cluster'}) vs scikit-learn {same_cut[1][2]:.3f} at the same "
          f"threshold, {best[1][2]:.3f} at its best cut {best_cut}")


if __name__ == "__main__":
    main()
