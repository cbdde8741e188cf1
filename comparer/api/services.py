"""Writes made through the API: partner article submission."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from comparer import jobs
from comparer.models import Article, Outlet
from comparer.pipeline import ingest


class OutletNotFound(Exception):
    pass


def outlet_name_for_submission(*, name: str, create: bool) -> str:
    """The stored outlet's name for a partner's ``outlet`` (slug, name or domain, any case).

    An unknown outlet is an error unless ``create`` is set; then the name is passed to ingest,
    which reuses a near-identical outlet or registers a new one. Nothing is written here.
    """
    wanted = name.strip()
    outlet = (Outlet.objects.filter(Q(slug__iexact=wanted) | Q(name__iexact=wanted) | Q(domain__iexact=wanted))
              .order_by("id").first()) if wanted else None
    if outlet is not None:
        return outlet.name
    if create and wanted:
        return wanted
    from rapidfuzz import fuzz, process

    names = list(Outlet.objects.values_list("name", flat=True))
    guess = process.extractOne(wanted, names, scorer=fuzz.token_sort_ratio, score_cutoff=75) if names else None
    hint = f" Did you mean {guess[0]!r}?" if guess else ""
    raise OutletNotFound(f"Unknown outlet {wanted!r}.{hint} Use a slug, name or domain from /api/v1/outlets/, "
                         f"or send \"create_outlet\": true to register a new outlet.")


@dataclass
class Submission:
    article: Article
    created: bool


def _store(item: ingest.ArticleInput) -> Submission:
    try:
        article, created = ingest.ingest_article(item)
    except IntegrityError:
        # The same article committed by a concurrent request between our lookup and insert:
        # ingest_article's savepoint rolled back, and a second call finds that row.
        article, created = ingest.ingest_article(item)
    return Submission(article=article, created=created)


@transaction.atomic
def articles_submit(*, items: list[ingest.ArticleInput]) -> list[Submission]:
    """Store validated articles (idempotent by url or content hash) and queue the new ones for analysis.

    All or nothing: one failure rolls back the whole batch. Analysis starts after commit, so a
    request never waits for it and never analyses rows that were rolled back.
    """
    submissions = [_store(item) for item in items]
    new_ids = [s.article.id for s in submissions if s.created]
    if new_ids:
        transaction.on_commit(lambda: jobs.enqueue_analysis(new_ids))
    return submissions
