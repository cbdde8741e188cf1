"""Read queries behind the API's list and detail endpoints.

Each returns a queryset that already joins what its serializer prints (``select_related``) and
leaves out what it never prints (embeddings, article bodies on lists), so a page costs a fixed
number of queries whatever its size. Nullable dates are coalesced into ``*_sort`` annotations:
cursor pagination needs an ordering value on every row.
"""
from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce

from comparer.models import Article, Claim, ClaimRelation, Event, Outlet

_CLAIM_UNUSED = ("embedding", "xvector", "article__text", "article__metadata", "article__standfirst")


def outlet_list() -> QuerySet[Outlet]:
    return Outlet.objects.annotate(article_count=Count("articles"))


def article_list() -> QuerySet[Article]:
    return (Article.objects.select_related("outlet").defer("text", "metadata")
            .annotate(published_sort=Coalesce("published_at", "ingested_at")))


def article_detail_queryset() -> QuerySet[Article]:
    return (Article.objects.select_related("outlet")
            .annotate(published_sort=Coalesce("published_at", "ingested_at"), claim_count=Count("claims")))


def event_list() -> QuerySet[Event]:
    return (Event.objects.defer("centroid", "xcentroid")
            .annotate(first_seen_sort=Coalesce("first_seen", "created_at"),
                      last_seen_sort=Coalesce("last_seen", "created_at")))


def claim_list() -> QuerySet[Claim]:
    return (Claim.objects.select_related("article", "article__outlet").defer(*_CLAIM_UNUSED)
            .annotate(published_sort=Coalesce("article__published_at", "article__ingested_at")))


def relation_list() -> QuerySet[ClaimRelation]:
    unused = [f"claim_{side}__{field}" for side in ("a", "b") for field in _CLAIM_UNUSED]
    return (ClaimRelation.objects
            .select_related("claim_a__article__outlet", "claim_b__article__outlet")
            .defer(*unused))
