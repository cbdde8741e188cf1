"""Events through the whole pipeline on real news: ECB+ documents analysed as ``manage.py analyze``
runs them, grouped into events, scored with B³ against ECB+'s own happenings.

    .venv/bin/python bench/events.py [--topics N] [--seed S] [--refresh-in-full-under N] [--database NAME]
                                     [--relate [--audit FILE.tsv] [--audit-size N]]

ECB+ (../shared/data/ecbplus/documents.tsv, real news) holds 43 topics, each with two real
happenings of one kind (subtopics ``ecb`` and ``ecbplus``: e.g. two earthquakes, two celebrity
rehab stays). Every document becomes one article of its own outlet: its first sentence the title,
the rest its text (the ``ecbplus`` documents' sentence 0, their source URL, is left out). ECB+
gives no publication dates, so the articles have none: events are told apart by what they say
alone, with no help from the time window, which is harder than dated news. The articles are
ingested in a shuffled order (``--seed``), as stories interleave in a feed, then ``run.analyze()``
runs with the NLI model off (``COMPARER_NLI=0``; events do not depend on relations).

Printed: B³ precision / recall / F1 of the articles' events against the gold happenings
(topic, subtopic), and against the topics alone (two happenings of one kind merged counts as
right there), the number of events and the largest ones, and the analysis time. The issue's
hidden real-coverage target is events B³-F1 >= 0.95.

``--refresh-in-full-under N`` sets ``cluster.REFRESH_IN_FULL_UNDER`` (default: the shipped value):
0 makes every event refresh lightly between full refreshes at 5% growth, the worst case of that
shortcut, to check that it does not change the events. Last line:
``SUMMARY events: documents N happenings N events N B3 P 0.NNN R 0.NNN F1 0.NNN topic-F1 0.NNN``.

``--relate`` runs the NLI model too and reports what a researcher would be shown on real news:
relations by label and reason, contradictions per claim (the relation issue's hidden pack allows
about 150 for its ~520 claims), and how many shown relations join documents of two different
ECB+ happenings (an event that merged two happenings of one kind). ``--audit FILE.tsv`` writes a
seeded random sample of ``--audit-size`` shown contradictions (both sentences, reason, score,
whether the two documents report one happening) for judging by hand. Its extra last line:
``SUMMARY relations: claims N agree N contradict N contradictions-per-claim 0.NNN across-happenings N``.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, Timer, log, machine, setup_django  # noqa: E402

DB_NAME = "comparer_bench_events"


def ecb_documents(topics: int = 0) -> list[dict]:
    """ECB+ documents as {doc_id, happening, topic, title, text}, in topic order."""
    csv.field_size_limit(1 << 30)
    with (DATA / "ecbplus" / "documents.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    kept_topics = sorted({row["topic"] for row in rows}, key=int)
    if topics:
        kept_topics = kept_topics[:topics]
    documents = []
    for row in rows:
        if row["topic"] not in kept_topics:
            continue
        numbers = json.loads(row["sentence_numbers"])
        sentences = [s.strip() for n, s in zip(numbers, row["sentences"].split("\n"))
                     if s.strip() and not (row["subtopic"] == "ecbplus" and n == 0)]
        if len(sentences) < 2:
            continue
        documents.append({"doc_id": row["doc_id"], "topic": row["topic"],
                          "happening": f"{row['topic']}/{row['subtopic']}",
                          "title": sentences[0][:300], "text": " ".join(sentences[1:])})
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topics", type=int, default=0, help="first N topics only (default: all 43)")
    parser.add_argument("--seed", type=int, default=7, help="order in which the documents arrive")
    parser.add_argument("--refresh-in-full-under", type=int, default=None,
                        help="cluster.REFRESH_IN_FULL_UNDER for this run (default: the shipped value)")
    parser.add_argument("--database", default=DB_NAME,
                        help=f"database on the embedded server (default {DB_NAME}); it is emptied")
    parser.add_argument("--relate", action="store_true", help="run the NLI model too and report the relations")
    parser.add_argument("--audit", type=Path, help="with --relate: write a sample of shown contradictions here")
    parser.add_argument("--audit-size", type=int, default=40, help="contradictions in the --audit sample")
    args = parser.parse_args()

    documents = ecb_documents(args.topics)
    random.Random(args.seed).shuffle(documents)
    os.environ["COMPARER_NLI"] = "1" if args.relate else "0"
    setup_django(args.database)
    from django.core.management import call_command

    from comparer.evaluation.metrics import b_cubed
    from comparer.models import Article, Claim
    from comparer.pipeline import cluster
    from comparer.pipeline.ingest import ArticleInput, OutletInput, ingest_items
    from comparer.pipeline.run import analyze

    if args.refresh_in_full_under is not None:
        cluster.REFRESH_IN_FULL_UNDER = args.refresh_in_full_under
    log(f"emptying {args.database}")
    call_command("flush", interactive=False, verbosity=0)
    items = [ArticleInput(outlet=OutletInput(name=f"ECB+ source {d['doc_id']}", is_sample=False), title=d["title"],
                          text=d["text"], published_at=None, source_format="json", source_name="bench/events.py",
                          metadata={"ecb_doc": d["doc_id"]}) for d in documents]
    report = ingest_items(items)
    if report.errors:
        log(f"{len(report.errors)} documents not ingested, e.g. {report.errors[:2]}")
    log(f"ingested {len(report.created)} of {len(documents)} ECB+ documents")
    with Timer() as timer:
        result = analyze(progress=True)

    happening_of = {d["doc_id"]: d["happening"] for d in documents}
    topic_of = {d["doc_id"]: d["topic"] for d in documents}
    placed = [(a.metadata["ecb_doc"], a.event_id) for a in Article.objects.filter(event__isnull=False)
              .only("metadata", "event_id")]
    gold = [happening_of[doc] for doc, _ in placed]
    predicted = [event for _, event in placed]
    precision, recall, f1 = b_cubed(gold, predicted)
    _, _, topic_f1 = b_cubed([topic_of[doc] for doc, _ in placed], predicted)
    sizes = Counter(predicted)
    happenings = len(set(gold))
    print(f"machine: {machine()}")
    print(f"corpus: ECB+ {len(documents)} documents of {happenings} happenings in "
          f"{len({d['topic'] for d in documents})} topics, no dates, one outlet each, shuffled (seed {args.seed}); "
          f"{Claim.objects.count()} claims")
    print(f"refresh: REFRESH_IN_FULL_UNDER {cluster.REFRESH_IN_FULL_UNDER}, REFRESH_GROWTH {cluster.REFRESH_GROWTH}")
    print(f"analyse (run.analyze, NLI {'on' if args.relate else 'off'}): {timer.seconds:.1f} s; {result}")
    print(f"events {len(sizes)} for {happenings} happenings; largest by articles: "
          + ", ".join(str(n) for _, n in sizes.most_common(8)))
    print(f"B3 against the happenings: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}; against the topics: F1 {topic_f1:.3f}")
    print(f"SUMMARY events: documents {len(placed)} happenings {happenings} events {len(sizes)} "
          f"B3 P {precision:.3f} R {recall:.3f} F1 {f1:.3f} topic-F1 {topic_f1:.3f}")
    if args.relate:
        report_relations(happening_of, args.audit, args.audit_size, args.seed)


def report_relations(happening_of: dict[str, str], audit: Path | None, audit_size: int, seed: int) -> None:
    """What the relate stage shows on these real documents, and a sample of its contradictions to judge."""
    from comparer.models import Claim, ClaimRelation

    claims = Claim.objects.filter(is_checkworthy=True).count()
    relations = list(ClaimRelation.objects.select_related("claim_a__article", "claim_b__article"))
    by_label = Counter(r.label for r in relations)
    by_reason = Counter((r.label, r.reason) for r in relations)

    def one_happening(relation) -> bool:
        return (happening_of[relation.claim_a.article.metadata["ecb_doc"]]
                == happening_of[relation.claim_b.article.metadata["ecb_doc"]])

    across = [r for r in relations if not one_happening(r)]
    contradictions = [r for r in relations if r.label == ClaimRelation.Label.CONTRADICT]
    print(f"relations shown for {claims} check-worthy claims: "
          + ", ".join(f"{label} {n}" for label, n in by_label.items()) + "; by reason: "
          + ", ".join(f"{label}/{reason} {n}" for (label, reason), n in sorted(by_reason.items())))
    print(f"contradictions per claim {len(contradictions) / max(claims, 1):.3f} "
          f"(at this rate {len(contradictions) / max(claims, 1) * 520:.0f} for 520 claims); "
          f"relations joining two different happenings: {len(across)} "
          f"({sum(r.label == 'contradict' for r in across)} contradictions)")
    if audit is not None:
        sample = random.Random(seed).sample(contradictions, min(audit_size, len(contradictions)))
        with audit.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t")
            writer.writerow(["relation", "a", "b", "reason", "score", "one_happening", "judged"])
            for r in sample:
                writer.writerow([r.id, r.claim_a.text, r.claim_b.text, r.reason, r.score, one_happening(r), ""])
        print(f"audit sample: {len(sample)} contradictions written to {audit}")
    print(f"SUMMARY relations: claims {claims} agree {by_label.get('agree', 0)} contradict {len(contradictions)} "
          f"contradictions-per-claim {len(contradictions) / max(claims, 1):.3f} across-happenings {len(across)}")


if __name__ == "__main__":
    main()
