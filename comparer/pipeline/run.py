"""Run the analysis: claims → embeddings → events → claim clusters → relations.

Incremental by default: only articles whose ``analysis_status`` is pending are processed, and
only the events they touch are re-clustered and re-related. ``full=True`` recomputes every
machine decision (unlocked event assignments, claim clusters and relations) and keeps every
curated one.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event
from comparer.pipeline import claims as claims_stage
from comparer.pipeline import cluster, embed, relate

logger = logging.getLogger("comparer.pipeline")


@dataclass
class AnalysisReport:
    articles: int = 0
    claims: int = 0
    encoded: int = 0
    events_touched: int = 0
    relations: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (f"{self.articles} articles, {self.claims} new claims ({self.encoded} encoded), "
                f"{self.events_touched} events updated, {self.relations} relations, {self.failed} failed")


def extract_article_claims(article: Article) -> list[Claim]:
    """Create the article's claims if it has none yet (claims are derived from immutable text)."""
    existing = list(article.claims.all())
    if existing:
        return existing
    drafts = claims_stage.extract_claims(title=article.title, text=article.text, standfirst=article.standfirst,
                                         published_at=article.published_at)
    rows = [Claim(article=article, position=d.position, char_start=d.char_start, char_end=d.char_end,
                  text=d.text, text_hash=d.text_hash, is_headline=d.is_headline, is_checkworthy=d.is_checkworthy,
                  speaker=d.speaker[:300], speaker_normalized=d.speaker_normalized[:300], channel=d.channel[:300],
                  channel_normalized=d.channel_normalized[:300], is_quote=d.is_quote, numbers=d.numbers,
                  dates=d.dates, places=d.places) for d in drafts]
    return Claim.objects.bulk_create(rows)


def reset_machine_decisions() -> None:
    """Forget unlocked machine decisions so a full run can recompute them."""
    ClaimRelation.objects.filter(locked=False).delete()
    Claim.objects.filter(cluster_locked=False).update(cluster=None)
    ClaimCluster.objects.filter(locked=False, claims__isnull=True).delete()
    ClaimCluster.objects.filter(locked=False).update(centroid=None)
    Article.objects.filter(event_locked=False).update(event=None)
    Article.objects.filter(syndication_locked=False).update(syndicated_copy_of=None)
    Article.objects.update(analysis_status=Article.AnalysisStatus.PENDING)


def _prepare_claims(batch: list[Article], report: AnalysisReport) -> dict[int, list[Claim]]:
    """Extract every article's claims, then encode all their new sentences in one batch.

    One large encoder call sorts sentences by length and pads little; encoding article by
    article measured about half the encoder's throughput. An article whose extraction fails
    is left out here and fails (and is marked) in the per-article loop.
    """
    prepared: dict[int, list[Claim]] = {}
    for article in batch:
        try:
            with transaction.atomic():
                before = article.claims.count()
                prepared[article.id] = extract_article_claims(article)
                report.claims += len(prepared[article.id]) - before
        except Exception:  # reported by the per-article loop, which retries and marks the article
            logger.warning("claim extraction failed for article %s; retried in the main loop", article.id)
    report.encoded += embed.prefetch([claim for claims in prepared.values() for claim in claims])
    return prepared


def analyze(articles: Iterable[Article] | None = None, *, full: bool = False, progress: bool = False) -> AnalysisReport:
    report = AnalysisReport()
    if full:
        with transaction.atomic():
            reset_machine_decisions()
    if articles is None:
        articles = Article.objects.filter(analysis_status=Article.AnalysisStatus.PENDING).select_related("outlet")
    batch = sorted(articles, key=lambda a: (a.published_at is None, a.published_at, a.id))
    iterator: Iterable[Article] = batch
    if progress:
        from tqdm import tqdm

        iterator = tqdm(batch, desc="analyse", unit="article")
    touched: dict[int, set[int]] = {}
    prepared = _prepare_claims(batch, report)
    for article in iterator:
        try:
            with transaction.atomic():
                article_claims = prepared.get(article.id)
                if article_claims is None:
                    before = article.claims.count()
                    article_claims = extract_article_claims(article)
                    report.claims += len(article_claims) - before
                report.encoded += embed.embed_claims(article_claims)
                event = cluster.assign_event(article, article_claims)
                Claim.objects.filter(article=article).exclude(event=event).update(event=event)
                touched.setdefault(event.id, set()).update(c.id for c in article_claims)
                article.analysis_status = Article.AnalysisStatus.DONE
                article.analysis_error = ""
                article.analyzed_at = timezone.now()
                article.save(update_fields=["analysis_status", "analysis_error", "analyzed_at"])
            report.articles += 1
        except Exception as exc:  # one bad article must not stop the batch; it is marked and reported
            logger.exception("analysis failed for article %s", article.id)
            Article.objects.filter(id=article.id).update(analysis_status=Article.AnalysisStatus.FAILED,
                                                         analysis_error=f"{type(exc).__name__}: {exc}"[:2000])
            report.failed += 1
    for event_id, claim_ids in touched.items():
        with transaction.atomic():
            event = Event.objects.get(id=event_id)
            cluster.cluster_claims(event)
            report.relations += relate.relate_event(event, only_claim_ids=None if full else claim_ids)
            cluster.refresh_event(event)
        report.events_touched += 1
    if full:
        Event.objects.filter(locked=False, articles__isnull=True).delete()
    return report
