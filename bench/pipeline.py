"""Sentences per second of the whole analysis against the bare encoder on the same sentences.

    .venv/bin/python bench/pipeline.py [--quick] [--articles N] [--repeat R]

Real FNC-1 article bodies (from ../shared/data/fnc1/) are ingested into a separate database
(``comparer_bench_pipeline``, or ``--database``; two runs must not share one). Then, with
nothing cached:
- encoder: ``embed.encode`` on exactly the claim sentences the analysis produces;
- analyse: ``run.analyze`` on the same articles (claims, attribution, figures, embedding,
  events, claim clusters, relations), after the database and in-process caches are emptied;
  and the background task ``tasks.analyse_articles`` (what the workers run), which encodes all
  the articles' sentences in full batches before the same ``run.analyze``.
The ratio analyse/encoder is the share of encoder throughput the full analysis keeps
(target ≥ 0.8). The model is loaded and warmed before either is timed. The best of
``--repeat`` runs is reported, because other work on a shared machine only ever slows a run.
"""
from __future__ import annotations

import argparse

from common import Timer, fnc1_bodies, log, machine, setup_django


def reset(articles_too: bool) -> None:
    from comparer.models import Article, ClaimRelation, EmbeddingCache, Event, Outlet
    from comparer.pipeline import embed

    ClaimRelation.objects.all().delete()
    if articles_too:
        Article.objects.all().delete()
        Outlet.objects.all().delete()
    else:
        from comparer.models import Claim

        Claim.objects.all().delete()
        Article.objects.update(analysis_status=Article.AnalysisStatus.PENDING, event=None, syndicated_copy_of=None)
    Event.objects.all().delete()
    EmbeddingCache.objects.all().delete()
    embed._memory.clear()


def ingest_bodies(count: int) -> None:
    from datetime import datetime, timedelta, timezone

    from comparer.pipeline.ingest import ArticleInput, OutletInput, ingest_article

    bodies = fnc1_bodies()
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    for index, body_id in enumerate(sorted(bodies)[:count]):
        text = bodies[body_id]
        title = text.strip().split("\n")[0][:150] or f"FNC-1 body {body_id}"
        ingest_article(ArticleInput(
            outlet=OutletInput(name=f"Bench outlet {index % 12:02d}", is_sample=True), title=title, text=text,
            published_at=start + timedelta(hours=index), source_format="csv", source_name="fnc1/train_bodies.csv",
            metadata={"dataset_id": str(body_id)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 articles instead of 150")
    parser.add_argument("--articles", type=int, default=0, help="number of FNC-1 bodies to analyse")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measurement; the best is kept")
    parser.add_argument("--database", default="comparer_bench_pipeline",
                        help="database to use on the embedded server; it is emptied (one run per database at a time)")
    args = parser.parse_args()
    count = args.articles or (30 if args.quick else 150)

    setup_django(args.database)
    from django.conf import settings

    from comparer.models import Article, Claim
    from comparer.pipeline import embed
    from comparer.pipeline.run import analyze, extract_article_claims

    reset(articles_too=True)
    ingest_bodies(count)
    articles = list(Article.objects.all())
    sentences = [c.text for a in articles for c in extract_article_claims(a)]
    log(f"{len(articles)} articles, {len(sentences)} claim sentences; warming the encoder")
    embed.encode(sentences[:256])

    from comparer.tasks import analyse_articles

    ids = [a.id for a in articles]
    encoder_runs, analyse_runs, task_runs = [], [], []
    for run in range(args.repeat):
        with Timer() as encoder:
            embed.encode(sentences)
        encoder_runs.append(len(sentences) / encoder.seconds)
        reset(articles_too=False)
        with Timer() as analysis:
            report = analyze()
        assert report.failed == 0, f"{report.failed} articles failed analysis"
        analyse_runs.append(Claim.objects.count() / analysis.seconds)
        reset(articles_too=False)
        with Timer() as task:
            analyse_articles(ids)
        assert not Article.objects.exclude(analysis_status="done").exists(), "the analysis task left articles"
        task_runs.append(Claim.objects.count() / task.seconds)
        log(f"run {run + 1}: encoder {encoder_runs[-1]:.0f}/s, analyse {analyse_runs[-1]:.0f}/s, "
            f"task {task_runs[-1]:.0f}/s ({report})")

    encoder_rate, analyse_rate, task_rate = max(encoder_runs), max(analyse_runs), max(task_runs)
    ratio = analyse_rate / encoder_rate
    print(f"machine: {machine()}")
    print(f"corpus: {len(articles)} FNC-1 bodies, {len(sentences)} claim sentences, "
          f"batch size {settings.COMPARER['EMBED_BATCH_SIZE']}, best of {args.repeat}")
    print(f"bare encoder: {encoder_rate:.1f} sentences/s (runs: {', '.join(f'{r:.0f}' for r in encoder_runs)})")
    print(f"analyse (run.analyze, one article at a time): {analyse_rate:.1f} sentences/s "
          f"(runs: {', '.join(f'{r:.0f}' for r in analyse_runs)}), ratio {ratio:.2f}")
    print(f"analyse (tasks.analyse_articles, the background path: all sentences batched, then run.analyze): "
          f"{task_rate:.1f} sentences/s (runs: {', '.join(f'{r:.0f}' for r in task_runs)}), "
          f"ratio {task_rate / encoder_rate:.2f}")
    print(f"SUMMARY pipeline: encoder {encoder_rate:.0f} sentences/s; run.analyze {analyse_rate:.0f}/s "
          f"(ratio {ratio:.2f}), background task {task_rate:.0f}/s (ratio {task_rate / encoder_rate:.2f}); "
          f"target >= 0.80; {len(sentences)} sentences")


if __name__ == "__main__":
    main()
