"""Run the analysis: claims → embeddings → events → claim clusters → relations.

Incremental by default: only articles whose ``analysis_status`` is pending are processed, and
only the events they touch are re-clustered and re-related. An article becomes "done" in the same
transaction as its event's clusters and relations, so an interrupted run (even ``kill -9``) leaves
nothing "done" that is not fully analysed, and the next run finishes it. ``full=True`` recomputes every
machine decision (claims extracted from the text, unlocked event assignments, claim clusters and
relations) and keeps every curated one.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event
from comparer.pipeline import claims as claims_stage
from comparer.pipeline import cluster, embed, multilingual, relate

logger = logging.getLogger("comparer.pipeline")

# Articles whose claims are extracted, encoded and stored together: large enough for full encoder
# batches, small enough to bound memory (~20 sentences an article, 384 floats a sentence).
PREPARE_CHUNK = 200


@dataclass
class AnalysisReport:
    articles: int = 0
    claims: int = 0
    encoded: int = 0
    events_touched: int = 0
    relations: int = 0
    failed: int = 0
    # A full run re-extracts stored claims (see ``reextract_claims``).
    claims_updated: int = 0
    articles_resplit: int = 0
    articles_kept: int = 0

    def __str__(self) -> str:
        text = (f"{self.articles} articles, {self.claims} new claims ({self.encoded} encoded), "
                f"{self.events_touched} events updated, {self.relations} relations, {self.failed} failed")
        if self.claims_updated or self.articles_resplit or self.articles_kept:
            text += (f"; re-extraction: {self.claims_updated} stored claims updated, {self.articles_resplit} "
                     f"articles split anew, {self.articles_kept} kept as curated")
        return text


def extract_article_claims(article: Article) -> list[Claim]:
    """The article's claims: those stored, or, when it has none yet, new unsaved rows from its
    text (claims are derived from immutable text). ``store_claims`` stores new rows."""
    existing = list(article.claims.all())
    if existing:
        return existing
    return claims_from_text(article)


def claims_from_text(article: Article) -> list[Claim]:
    """New unsaved claim rows extracted from the article's title, standfirst and text."""
    drafts = claims_stage.extract_claims(title=article.title, text=article.text, standfirst=article.standfirst,
                                         published_at=article.published_at)
    return [Claim(article=article, position=d.position, char_start=d.char_start, char_end=d.char_end,
                  text=d.text, text_hash=d.text_hash, is_headline=d.is_headline, is_checkworthy=d.is_checkworthy,
                  speaker=d.speaker[:300], speaker_normalized=d.speaker_normalized[:300], channel=d.channel[:300],
                  channel_normalized=d.channel_normalized[:300], is_quote=d.is_quote, numbers=d.numbers,
                  dates=d.dates, places=d.places, language=article.language or "") for d in drafts]


def multilingual_corpus(articles: list[Article]) -> bool:
    """Whether these articles or the stored ones include any not in English (``multilingual.ENGLISH``)."""
    if any((article.language or "") not in multilingual.ENGLISH for article in articles):
        return True
    return Article.objects.exclude(language__in=multilingual.ENGLISH).exists()


def prepare_claims(articles: list[Article], report: AnalysisReport | None = None, *, progress: bool = False,
                   skip_failures: bool = True) -> dict[int, list[Claim]]:
    """Every article's claims with their vectors, by article id; new claims are not stored.

    Extracts the claims of all ``articles`` and encodes every sentence the embedding caches do
    not know in one batched call (encoding article by article gave the encoder batches of ~20
    sentences). Claims already stored keep their rows (and get a vector if they lacked one);
    new ones come back unsaved, for ``store_claims`` to insert once, with their event.
    An article whose extraction fails is left out and logged (``skip_failures``) or raises.
    """
    from django.db.models import prefetch_related_objects

    report = report if report is not None else AnalysisReport()
    prefetch_related_objects(articles, "claims")  # one query for the claims already stored
    prepared: dict[int, list[Claim]] = {}
    for article in articles:
        try:
            prepared[article.id] = extract_article_claims(article)
        except Exception:
            if not skip_failures:
                raise
            logger.warning("claim extraction failed for article %s; retried in the main loop", article.id,
                           exc_info=True)
        finally:
            getattr(article, "_prefetched_objects_cache", {}).pop("claims", None)
    claims = [claim for article_claims in prepared.values() for claim in article_claims]
    stored_without_vector = [claim for claim in claims if claim.pk is not None and claim.embedding is None]
    english_leads = multilingual_corpus(articles)
    stored_without_xvector = [claim for claim in claims if claim.pk is not None and claim.xvector is None
                              and multilingual.needs_xvector_now(claim, english_leads=english_leads)]
    with transaction.atomic():
        report.encoded += embed.fill_embeddings(claims, progress=progress)
        multilingual.fill_xvectors(claims, lead_only=True, english_leads=english_leads)
        if stored_without_vector:
            Claim.objects.bulk_update(stored_without_vector, ["embedding"], batch_size=500)
        if stored_without_xvector:
            Claim.objects.bulk_update(stored_without_xvector, ["xvector"], batch_size=500)
    return prepared


def store_claims(article: Article, claims: list[Claim], event: Event, report: AnalysisReport, *,
                 opened_event: bool = False) -> list[Claim]:
    """Store the article's new claims (with their vectors) in ``event``, and move its stored ones
    there; one write a claim. Returns the article's claims as stored.

    When the article ``opened_event``, its claims are grouped into claim clusters first and
    stored with them (``cluster.group_opening_claims``).
    When another worker stored this article's claims first, theirs are kept and moved instead.
    """
    from django.db import IntegrityError

    new = [claim for claim in claims if claim.pk is None]
    stored_before = len(new) < len(claims)
    if new:
        for claim in new:
            claim.event = event
        try:
            with transaction.atomic():
                if opened_event and not stored_before:
                    cluster.group_opening_claims(event, new)
                embed.insert_rows(new)
            report.claims += len(new)
        except IntegrityError as error:
            # Only another worker's copy of these very rows is expected; any other broken
            # constraint (a foreign key, a check) is a bug that must not pass for a race.
            if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != "claim_unique_position":
                raise
            logger.info("claims of article %s were stored concurrently", article.id)
            for claim in new:
                claim.pk, claim._state.adding, claim.cluster = None, True, None
            claims, stored_before = list(Claim.objects.filter(article=article)), True
    if stored_before:
        Claim.objects.filter(article=article).exclude(event=event).update(event=event)
    return claims


# What extraction derives from a sentence, besides its text: a full run refreshes these in place.
EXTRACTED_FIELDS = ["char_start", "char_end", "is_headline", "is_checkworthy", "speaker", "speaker_normalized",
                    "channel", "channel_normalized", "is_quote", "numbers", "dates", "places", "language"]


def reextract_claims(report: AnalysisReport, *, progress: bool = False, chunk: int = 500) -> None:
    """Extract every article's claims again, so a full run applies the current extraction code
    (sentence splitting, speakers, figures, dates, places) to claims stored by an older one.

    - Same sentences as stored (same text at every position): the rows are updated in place
      where an extracted field changed. Ids, vectors, clusters and curated decisions stay.
    - Sentences split differently: the article's claims are deleted and the article is left
      pending, so the run extracts and stores them afresh. This is not done for an article
      that a curator has touched: it has a claim pinned to a cluster, a claim in a locked
      relation, or a claim named in the curation log. That article keeps its claims as they are
      (``report.articles_kept``), because removing them would undo the curator's work.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from comparer.curation.models import CurationChange

    curated_claims = Claim.objects.filter(
        Q(cluster_locked=True) | Q(relations_as_a__locked=True) | Q(relations_as_b__locked=True)
        | Q(id__in=CurationChange.objects.filter(content_type=ContentType.objects.get_for_model(Claim))
            .values("object_id")))
    curated_articles = set(curated_claims.values_list("article_id", flat=True).distinct())
    ids = list(Article.objects.filter(claims__isnull=False).distinct().order_by("id").values_list("id", flat=True))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(ids), desc="re-extract", unit="article")
    for start in range(0, len(ids), chunk):
        articles = list(Article.objects.filter(id__in=ids[start:start + chunk]).prefetch_related("claims"))
        changed: list[Claim] = []
        resplit: list[int] = []
        for article in articles:
            stored = sorted(article.claims.all(), key=lambda c: c.position)
            fresh = claims_from_text(article)
            if [(c.position, c.text_hash) for c in stored] != [(c.position, c.text_hash) for c in fresh]:
                if article.id in curated_articles:
                    report.articles_kept += 1
                else:
                    resplit.append(article.id)
                continue
            for old, new in zip(stored, fresh):
                if any(getattr(old, name) != getattr(new, name) for name in EXTRACTED_FIELDS):
                    for name in EXTRACTED_FIELDS:
                        setattr(old, name, getattr(new, name))
                    changed.append(old)
        with transaction.atomic():
            if changed:
                Claim.objects.bulk_update(changed, EXTRACTED_FIELDS, batch_size=500)
            if resplit:
                Claim.objects.filter(article_id__in=resplit).delete()
        report.claims_updated += len(changed)
        report.articles_resplit += len(resplit)
        if bar is not None:
            bar.update(len(articles))
    if bar is not None:
        bar.close()


def reset_machine_decisions() -> None:
    """Forget unlocked machine decisions so a full run can recompute them."""
    ClaimRelation.objects.filter(locked=False).delete()
    Claim.objects.filter(cluster_locked=False).update(cluster=None)
    ClaimCluster.objects.filter(locked=False, claims__isnull=True).delete()
    ClaimCluster.objects.filter(locked=False).update(centroid=None)
    Article.objects.filter(event_locked=False).update(event=None)
    # Emptied events are matched again as the articles come back (each article first finds the
    # event it was in, whose centroid is kept): their size must not refuse them for what the run
    # being redone counted (``stories``). Story links stay with the events they joined, as the
    # events themselves do; a part left empty is deleted at the end and its link with it.
    Event.objects.filter(locked=False).update(claim_count=0)
    Article.objects.filter(syndication_locked=False).update(syndicated_copy_of=None)
    Article.objects.update(analysis_status=Article.AnalysisStatus.PENDING)


def analyze(articles: Iterable[Article] | None = None, *, full: bool = False, progress: bool = False,
            prepared_claims: dict[int, list[Claim]] | None = None) -> AnalysisReport:
    """Analyse ``articles`` (default: every pending one). ``prepared_claims`` are claims already
    extracted and encoded by ``prepare_claims``, by article id (the background
    task does that outside the clustering lock); the others' claims are prepared here."""
    report = AnalysisReport()
    given = prepared_claims or {}
    if full:
        with transaction.atomic():
            reset_machine_decisions()
        reextract_claims(report, progress=progress)
    if articles is None:
        articles = Article.objects.filter(analysis_status=Article.AnalysisStatus.PENDING).select_related("outlet")
    batch = sorted(articles, key=lambda a: (a.published_at is None, a.published_at, a.id))
    iterator: Iterable[Article] = batch
    if progress:
        from tqdm import tqdm

        iterator = tqdm(batch, desc="analyse", unit="article")
    touched: dict[int, set[int]] = {}
    sizes_at_full_refresh: dict[int, int] = {}  # claims of each event at its last full refresh (``cluster``)
    stored_by_event: dict[int, list[int]] = {}  # articles whose claims are stored, awaiting their event's relations
    prepared: dict[int, list[Claim]] = {}
    for index, article in enumerate(iterator):
        if index % PREPARE_CHUNK == 0:  # claims and vectors for the next chunk of articles at once
            chunk = [a for a in batch[index:index + PREPARE_CHUNK] if a.id not in given]
            try:
                prepared = prepare_claims(chunk, report, progress=progress)
            except Exception:  # each article of the chunk is retried alone below, and its error recorded
                logger.exception("preparing claims for %s articles failed", len(chunk))
                prepared = {}
        try:
            with transaction.atomic():
                article_claims = given.get(article.id, prepared.get(article.id))
                if article_claims is None:  # extraction failed above: retry, and record the error
                    article_claims = prepare_claims([article], report, skip_failures=False)[article.id]
                event, opened = cluster.choose_event(article, article_claims)
                article_claims = store_claims(article, article_claims, event, report, opened_event=opened)
                cluster.refresh_event_while_placing(event, sizes_at_full_refresh)
                touched.setdefault(event.id, set()).update(c.id for c in article_claims)
                stored_by_event.setdefault(event.id, []).append(article.id)
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
            # "done" is written with the event's clusters and relations, in their transaction: a run
            # killed before this point leaves the article pending (its stored claims are reused), so
            # the next run relates it instead of skipping an article that was never related.
            Article.objects.filter(id__in=stored_by_event.get(event_id, [])).update(
                analysis_status=Article.AnalysisStatus.DONE, analysis_error="", analyzed_at=timezone.now())
        report.events_touched += 1
    if full:
        Event.objects.filter(locked=False, articles__isnull=True).delete()
    if touched:
        # Watches (comparer/watches): record the new contradictions and outlets this run made.
        from comparer.watches.services import changes_record_after_analysis

        changes_record_after_analysis()
    return report
