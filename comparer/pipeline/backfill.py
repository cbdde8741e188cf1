"""Bring rows stored before cross-lingual coverage up to date: languages and multilingual vectors.

``backfill_languages`` detects the language of articles stored without one (or, with
``redetect``, of every article) and copies each article's language to its claims;
``backfill_xvectors`` encodes the claims that have no multilingual vector yet and analysis would
have encoded (every claim not in English, an English claim up to
``multilingual.ENGLISH_LEAD_POSITIONS``; ``everything`` for all of them), a chunk at a time, and
recomputes the centroids of the events they belong to. The other English claims are encoded when
their event first holds another language. Both are idempotent: a second run finds
nothing to do. ``python manage.py embed_multilingual`` runs them; after it, ``analyze --full``
re-splits Russian and Ukrainian articles with the Cyrillic splitter and regroups the events.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from comparer.models import Article, Claim, Event
from comparer.pipeline import multilingual


@dataclass
class BackfillReport:
    articles_detected: int = 0
    claims_relabelled: int = 0
    claims_encoded: int = 0
    events_refreshed: int = 0

    def __str__(self) -> str:
        return (f"{self.articles_detected} articles given a language, {self.claims_relabelled} claims given "
                f"their article's language, {self.claims_encoded} claims given a multilingual vector, "
                f"{self.events_refreshed} events' centroids recomputed")


def backfill_languages(report: BackfillReport, *, redetect: bool = False, chunk: int = 500) -> None:
    from comparer.pipeline.ingest import article_language

    articles = Article.objects.all() if redetect else Article.objects.filter(language="")
    ids = list(articles.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), chunk):
        changed = []
        for article in Article.objects.filter(id__in=ids[start:start + chunk]).select_related("outlet").only(
                "id", "title", "text", "language", "outlet__language"):
            language = article_language(article.title, article.text, declared=article.language or article.outlet.language)
            if language != article.language:
                article.language = language
                changed.append(article)
        Article.objects.bulk_update(changed, ["language"], batch_size=500)
        report.articles_detected += len(changed)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE comparer_claim AS claim SET language = article.language FROM comparer_article AS article "
                       "WHERE article.id = claim.article_id AND claim.language IS DISTINCT FROM article.language")
        report.claims_relabelled += cursor.rowcount


def backfill_xvectors(report: BackfillReport, *, chunk: int = 2000, progress: bool = False,
                      everything: bool = False) -> None:
    from django.db.models import Q

    from comparer.pipeline import cluster

    wanted = Claim.objects.filter(xvector__isnull=True)
    if not everything:
        wanted = wanted.filter(~Q(language__in=multilingual.ENGLISH)
                               | Q(position__lte=multilingual.ENGLISH_LEAD_POSITIONS))
    ids = list(wanted.order_by("id").values_list("id", flat=True))
    bar = None
    if progress and ids:
        from tqdm import tqdm

        bar = tqdm(total=len(ids), desc="multilingual vectors", unit="claim")
    events: set[int] = set()
    for start in range(0, len(ids), chunk):
        claims = list(Claim.objects.filter(id__in=ids[start:start + chunk]).only("id", "text", "event_id"))
        multilingual.fill_xvectors(claims)
        with transaction.atomic():
            cluster.store_xvectors(claims)
        report.claims_encoded += len(claims)
        events.update(c.event_id for c in claims if c.event_id)
        if bar is not None:
            bar.update(len(claims))
    if bar is not None:
        bar.close()
    for event in Event.objects.filter(id__in=events).only("id"):
        cluster.refresh_event(event)
        report.events_refreshed += 1


def backfill(*, redetect: bool = False, progress: bool = False, everything: bool = False) -> BackfillReport:
    report = BackfillReport()
    backfill_languages(report, redetect=redetect)
    backfill_xvectors(report, progress=progress, everything=everything)
    return report
