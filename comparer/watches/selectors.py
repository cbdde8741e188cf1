"""Reads for watches: a user's watches and changes, and what lies inside a watch's scope."""
from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from comparer.models import ClaimRelation, Outlet
from comparer.search import ClaimFilters, keyword_search, nearest_claims
from comparer.watches.models import Watch, WatchChange

# A semantic watch follows the claims its search would list (the search page shows 50).
SEMANTIC_WATCH_LIMIT = 50


def watch_list(*, user) -> QuerySet[Watch]:
    return (Watch.objects.filter(user=user)
            .select_related("event", "outlet_a", "outlet_b", "filter_outlet", "filter_event")
            .defer("query_embedding", "event__centroid", "event__xcentroid", "filter_event__centroid", "filter_event__xcentroid"))


def watch_of_user(*, user, watch_id: int) -> Watch | None:
    return watch_list(user=user).filter(id=watch_id).first()


def watch_id_for_target(*, user, target_key: str) -> int | None:
    """The id of the user's watch on this target, if any (the pages' Watch / Stop watching button)."""
    return Watch.objects.filter(user=user, target_key=target_key).values_list("id", flat=True).first()


def change_list(*, user, watch_id: int | None = None) -> QuerySet[WatchChange]:
    """News for the user's watches (never what was known when a watch was made), newest first."""
    changes = WatchChange.objects.filter(watch__user=user, known_at_start=False)
    if watch_id is not None:
        changes = changes.filter(watch_id=watch_id)
    return changes.select_related("watch", "watch__event", "watch__outlet_a", "watch__outlet_b",
                                  "watch__filter_outlet", "watch__filter_event").defer(
        "watch__query_embedding", "watch__event__centroid", "watch__filter_event__centroid")


def unmailed_changes(*, user) -> QuerySet[WatchChange]:
    return change_list(user=user).filter(mailed_at__isnull=True).order_by("detected_at", "id")


def search_filters(watch: Watch) -> ClaimFilters:
    zone = timezone.get_current_timezone()
    return ClaimFilters(
        outlet_id=watch.filter_outlet_id, event_id=watch.filter_event_id, country=watch.filter_country,
        date_from=datetime.combine(watch.filter_date_from, time.min, zone) if watch.filter_date_from else None,
        date_to=datetime.combine(watch.filter_date_to, time.max, zone) if watch.filter_date_to else None)


def matching_claim_ids(watch: Watch):
    """The claims a search watch follows: every full-text match, or the nearest claims in meaning
    (the query's vector was stored with the watch). A subquery or a list of ids."""
    if watch.search_mode == Watch.SearchMode.SEMANTIC:
        if watch.query_embedding is None:
            return []
        return [claim.id for claim in nearest_claims(watch.query_embedding, search_filters(watch),
                                                     SEMANTIC_WATCH_LIMIT)]
    return keyword_search(watch.query, search_filters(watch)).order_by().values("id")


def scope_contradictions(watch: Watch) -> QuerySet[ClaimRelation]:
    """Every contradicting relation inside the watch's scope (numeric mismatches and curators'
    contradictions included)."""
    relations = ClaimRelation.objects.filter(label=ClaimRelation.Label.CONTRADICT)
    if watch.kind == Watch.Kind.EVENT:
        relations = relations.filter(event_id=watch.event_id)
    elif watch.kind == Watch.Kind.OUTLET_PAIR:
        a, b = watch.outlet_a_id, watch.outlet_b_id
        relations = relations.filter(Q(claim_a__article__outlet_id=a, claim_b__article__outlet_id=b)
                                     | Q(claim_a__article__outlet_id=b, claim_b__article__outlet_id=a))
    else:
        claim_ids = matching_claim_ids(watch)
        relations = relations.filter(Q(claim_a_id__in=claim_ids) | Q(claim_b_id__in=claim_ids))
    return (relations.select_related("event", "claim_a__article__outlet", "claim_b__article__outlet")
            .only("id", "event_id", "event__title", "label", "reason", "details", "set_by", "score",
                  "claim_a__id", "claim_a__text", "claim_a__speaker", "claim_a__article__id",
                  "claim_a__article__title", "claim_a__article__outlet__name", "claim_a__article__outlet__slug",
                  "claim_b__id", "claim_b__text", "claim_b__speaker", "claim_b__article__id",
                  "claim_b__article__title", "claim_b__article__outlet__name", "claim_b__article__outlet__slug")
            .order_by("id"))


def event_outlets(watch: Watch) -> QuerySet[Outlet]:
    """The outlets with an article on the watched event."""
    return Outlet.objects.filter(articles__event_id=watch.event_id).distinct().only("id", "name", "slug")
