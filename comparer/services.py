"""Write operations for curators: merge, split, move, relabel, confirm, mark syndicated, edit, revert.

Every service:
- takes keyword-only arguments and the acting user as ``by``;
- runs in one transaction (``@transaction.atomic``): it fully happens or not at all;
- sets the lock the pipeline honours (``Event.locked``, ``Article.event_locked``,
  ``Article.syndication_locked``, ``ClaimCluster.locked``, ``Claim.cluster_locked``,
  ``ClaimRelation.locked``), so ``analyze`` (incremental or ``full=True``) never undoes it;
- records a ``CurationDecision`` with one ``CurationChange`` per object and field, before → after,
  which ``decision_revert`` undoes in reverse order;
- raises ``CurationError`` with a message a curator can act on when the request makes no sense,
  before anything is written.

Values the pipeline owns (unlocked claim clusters, machine relations, event counters and
centroids) are not curated: after moving articles or claims between events the affected events
are re-derived with the pipeline's own functions, and so again after a revert.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from pgvector.django import VectorField

from comparer.curation.models import CurationChange, CurationDecision
from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event, Outlet
from comparer.pipeline import cluster as cluster_stage
from comparer.pipeline import relate as relate_stage

Action = CurationDecision.Action

# Fields a metadata edit may touch. Event membership, syndication, locks and analysis state have
# their own services (which set the right lock) and are refused here.
EDITABLE_METADATA = {
    Outlet: {"name", "slug", "domain", "country", "language", "notes"},
    Article: {"title", "standfirst", "byline", "published_at", "language", "url", "metadata"},
}


class CurationError(Exception):
    """A curation request that cannot be carried out; the message says why and what to do."""


def _plain(value):
    """The JSON form of a field value, as stored in the audit trail and compared on revert."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _snapshot(obj: models.Model) -> dict:
    # Vectors are derived (embeddings, centroids) and recomputed; they are not part of a decision.
    return {f.attname: _plain(f.value_from_object(obj)) for f in obj._meta.concrete_fields
            if not isinstance(f, VectorField)}


class _Trail:
    """Applies changes to rows and records each one, in order, under one decision."""

    def __init__(self, *, action: str, by, summary: str, note: str = "", reverts=None):
        if by is None or not getattr(by, "is_authenticated", False):
            raise CurationError("A curation decision needs the signed-in user who makes it.")
        self.decision = CurationDecision.objects.create(action=action, user=by, summary=summary[:500],
                                                        note=note, reverts=reverts)
        self._changes: list[CurationChange] = []

    def _record(self, obj, *, operation, field="", before=None, after=None, machine_owned=False):
        self._changes.append(CurationChange(
            decision=self.decision, sequence=len(self._changes), operation=operation,
            content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=True),
            object_id=obj.pk, object_repr=str(obj)[:300], field=field, before=before, after=after,
            machine_owned=machine_owned))

    def set(self, obj: models.Model, *, machine_owned: bool = False, **values) -> bool:
        """Set fields (by name or attname) on ``obj``, save the ones that changed, record from → to."""
        changed = []
        for name, new in values.items():
            field = obj._meta.get_field(name)
            new = new.pk if isinstance(new, models.Model) else new
            old = getattr(obj, field.attname)
            if _plain(old) == _plain(new):
                continue
            setattr(obj, field.attname, new)
            changed.append(field.attname)
            self._record(obj, operation=CurationChange.Operation.UPDATE, field=field.attname,
                         before=_plain(old), after=_plain(new), machine_owned=machine_owned)
        if changed:
            auto_now = [f.attname for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=changed + auto_now)
        return bool(changed)

    def create(self, obj: models.Model) -> models.Model:
        obj.save(force_insert=True)
        self._record(obj, operation=CurationChange.Operation.CREATE, after=_snapshot(obj))
        return obj

    def delete(self, obj: models.Model) -> None:
        self._record(obj, operation=CurationChange.Operation.DELETE, before=_snapshot(obj))
        obj.delete()

    def finish(self) -> CurationDecision:
        CurationChange.objects.bulk_create(self._changes)
        return self.decision


def _rederive(event_ids: Iterable[int | None]) -> None:
    """Recompute the machine-owned rows of events whose membership a curator changed.

    Claims follow their article's event; unlocked claims left in another event's cluster are
    detached and re-clustered; machine relations touching these events are judged afresh (curated,
    locked ones are kept); counters, centroids and time spans are refreshed.
    """
    ids = sorted({i for i in event_ids if i is not None})
    if not ids:
        return
    for event_id in ids:
        Claim.objects.filter(article__event_id=event_id).exclude(event_id=event_id).update(event_id=event_id)
    (Claim.objects.filter(event_id__in=ids, cluster_locked=False, cluster__isnull=False)
     .exclude(cluster__event_id=F("event_id")).update(cluster=None))
    (ClaimRelation.objects.filter(locked=False)
     .filter(Q(event_id__in=ids) | Q(claim_a__event_id__in=ids) | Q(claim_b__event_id__in=ids)).delete())
    ClaimCluster.objects.filter(event_id__in=ids, locked=False, claims__isnull=True).delete()
    for event in Event.objects.filter(id__in=ids):
        cluster_stage.cluster_claims(event)
        relate_stage.relate_event(event)
        cluster_stage.refresh_event(event)


def _move_articles(trail: _Trail, articles: Iterable[Article], target: Event) -> set[int]:
    """Put articles (and so their claims) into ``target`` with their event locked.

    Returns the ids of the events they came from. A claim left in a cluster of another event is
    detached; if a curator had locked it there, that lock is lifted and recorded, because this
    decision supersedes it.
    """
    sources: set[int] = set()
    moved_ids = []
    for article in articles:
        if article.event_id != target.id:
            sources.add(article.event_id)
        trail.set(article, event=target, event_locked=True)
        moved_ids.append(article.id)
    Claim.objects.filter(article_id__in=moved_ids).exclude(event=target).update(event=target)
    stranded = (Claim.objects.filter(article_id__in=moved_ids, cluster__isnull=False)
                .exclude(cluster__event=target).order_by("id"))
    for claim in stranded:
        if claim.cluster_locked:
            trail.set(claim, cluster=None, cluster_locked=False)
        else:
            trail.set(claim, machine_owned=True, cluster=None)
    _follow_curated_relations(trail, target)
    sources.discard(None)
    return sources


def _follow_curated_relations(trail: _Trail, event: Event) -> None:
    """Curated relations whose two claims now sit in ``event`` belong to it, so the pipeline
    sees them as locked there and never re-judges the pair."""
    for relation in (ClaimRelation.objects.filter(locked=True, claim_a__event=event, claim_b__event=event)
                     .exclude(event=event).order_by("id")):
        trail.set(relation, event=event)


# --- events ---------------------------------------------------------------------------------

@transaction.atomic
def event_merge(*, events: Iterable[Event], by, into: Event | None = None, title: str | None = None,
                note: str = "") -> Event:
    """Merge two or more events into one (``into``, else the earliest); the others are deleted.

    Every article of the merged event gets ``event_locked``; the event is locked, so neither an
    incremental nor a full analysis splits it again or renames it.
    """
    events = list(Event.objects.select_for_update().filter(id__in={e.id for e in events})
                  .order_by(F("first_seen").asc(nulls_last=True), "id"))
    if len(events) < 2:
        raise CurationError("Choose at least two different events to merge.")
    target = next((e for e in events if into is not None and e.id == into.id), None)
    if into is not None and target is None:
        raise CurationError(f"Event #{into.id} is not among the events being merged.")
    target = target or events[0]
    others = [e for e in events if e.id != target.id]
    title = (title or "").strip() or target.title
    trail = _Trail(action=Action.EVENT_MERGE, by=by, note=note,
                   summary=f"merged {', '.join(f'#{e.id}' for e in others)} into #{target.id} “{title}”")
    for cluster in ClaimCluster.objects.filter(event__in=others).order_by("id"):
        trail.set(cluster, machine_owned=not cluster.locked, event=target)
    articles = list(Article.objects.filter(event__in=events).order_by("id"))
    _move_articles(trail, articles, target)
    trail.set(target, title=title[:500], locked=True)
    for other in others:
        ClaimRelation.objects.filter(event=other, locked=False).delete()
        trail.delete(other)
    _rederive([target.id])
    trail.finish()
    target.refresh_from_db()
    return target


@transaction.atomic
def event_split(*, event: Event, by, articles: Iterable[Article] = (), clusters: Iterable[ClaimCluster] = (),
                title: str | None = None, note: str = "") -> Event:
    """Move the chosen articles, and the articles behind the chosen claim clusters, into a new event.

    Claims belong to articles, so a cluster moves with every article that has a claim in it. Both
    events are locked and every article in either keeps its event (``event_locked``).
    """
    event = Event.objects.select_for_update().get(id=event.id)
    article_ids = {a.id for a in articles}
    cluster_list = list(ClaimCluster.objects.filter(id__in={c.id for c in clusters}).order_by("id"))
    for cluster in cluster_list:
        if cluster.event_id != event.id:
            raise CurationError(f"Claim cluster #{cluster.id} belongs to event #{cluster.event_id}, "
                                f"not to event #{event.id}.")
    article_ids |= set(Claim.objects.filter(cluster__in=cluster_list).values_list("article_id", flat=True))
    if not article_ids:
        raise CurationError("Choose the articles or claim clusters that should move to the new event.")
    moving = list(Article.objects.filter(id__in=article_ids).order_by("id"))
    strangers = [a for a in moving if a.event_id != event.id]
    if strangers or len(moving) != len(article_ids):
        which = ", ".join(f"#{a.id}" for a in strangers) or "some"
        raise CurationError(f"Articles {which} are not in event #{event.id}; split only moves its own articles.")
    staying = list(event.articles.exclude(id__in=article_ids).order_by("id"))
    if not staying:
        raise CurationError("That would move every article and leave the event empty; rename the event instead.")
    title = (title or "").strip() or moving[0].title
    new_event = Event(title=title[:500], locked=True)
    trail = _Trail(action=Action.EVENT_SPLIT, by=by, note=note,
                   summary=f"split {len(moving)} article(s) from #{event.id} into a new event “{title}”")
    trail.create(new_event)
    for cluster in cluster_list:
        trail.set(cluster, machine_owned=not cluster.locked, event=new_event)
    _move_articles(trail, moving, new_event)
    for article in staying:
        trail.set(article, event_locked=True)
    trail.set(event, locked=True)
    _rederive([event.id, new_event.id])
    trail.decision.summary = f"split {len(moving)} article(s) from #{event.id} into #{new_event.id} “{title}”"[:500]
    trail.decision.save(update_fields=["summary"])
    trail.finish()
    new_event.refresh_from_db()
    return new_event


@transaction.atomic
def event_rename(*, event: Event, title: str, by, summary: str | None = None, note: str = "") -> Event:
    """Give an event a curator's title (and summary); locked, so analysis never renames it."""
    title = (title or "").strip()
    if not title:
        raise CurationError("An event needs a non-empty title.")
    event = Event.objects.select_for_update().get(id=event.id)
    trail = _Trail(action=Action.EVENT_RENAME, by=by, note=note, summary=f"renamed #{event.id} to “{title}”")
    values = {"title": title[:500], "locked": True}
    if summary is not None:
        values["summary"] = summary
    trail.set(event, **values)
    trail.finish()
    return event


@transaction.atomic
def event_mark_reviewed(*, event: Event, by, note: str = "") -> Event:
    """A curator checked this event's grouping: lock it and every article's membership in it."""
    event = Event.objects.select_for_update().get(id=event.id)
    trail = _Trail(action=Action.EVENT_REVIEW, by=by, note=note, summary=f"reviewed #{event.id} “{event.title}”")
    trail.set(event, reviewed=True, locked=True)
    for article in event.articles.filter(event_locked=False).order_by("id"):
        trail.set(article, event_locked=True)
    trail.finish()
    return event


@transaction.atomic
def events_mark_reviewed(*, events: Iterable[Event], by, note: str = "") -> int:
    """Bulk: all or none."""
    count = 0
    for event in events:
        event_mark_reviewed(event=event, by=by, note=note)
        count += 1
    return count


# --- claim clusters -------------------------------------------------------------------------

def _refresh_cluster_centroid(cluster: ClaimCluster) -> None:
    # The pipeline attaches new claims by centroid; keep it true to the curated members.
    vectors = [c.embedding for c in cluster.claims.exclude(embedding__isnull=True).only("embedding")]
    if vectors:
        import numpy as np

        cluster.centroid = cluster_stage.unit(np.mean([np.asarray(v, dtype=np.float32) for v in vectors], axis=0))
        cluster.save(update_fields=["centroid"])


@transaction.atomic
def cluster_merge(*, clusters: Iterable[ClaimCluster], by, into: ClaimCluster | None = None,
                  note: str = "") -> ClaimCluster:
    """Merge claim clusters of one event: every claim moves to ``into`` (else the first) and is locked there."""
    clusters = list(ClaimCluster.objects.select_for_update().filter(id__in={c.id for c in clusters})
                    .order_by("position", "id"))
    if len(clusters) < 2:
        raise CurationError("Choose at least two different claim clusters to merge.")
    event_ids = {c.event_id for c in clusters}
    if len(event_ids) > 1:
        raise CurationError(f"Claim clusters from different events ({', '.join(f'#{i}' for i in sorted(event_ids))}) "
                            "cannot be merged; merge the events first.")
    target = next((c for c in clusters if into is not None and c.id == into.id), None)
    if into is not None and target is None:
        raise CurationError(f"Claim cluster #{into.id} is not among the clusters being merged.")
    target = target or clusters[0]
    others = [c for c in clusters if c.id != target.id]
    trail = _Trail(action=Action.CLUSTER_MERGE, by=by, note=note,
                   summary=f"merged clusters {', '.join(f'#{c.id}' for c in others)} into #{target.id}")
    for claim in Claim.objects.filter(cluster__in=clusters).order_by("id"):
        trail.set(claim, cluster=target, cluster_locked=True)
    trail.set(target, locked=True)
    for other in others:
        trail.delete(other)
    _refresh_cluster_centroid(target)
    trail.finish()
    return target


@transaction.atomic
def cluster_split(*, cluster: ClaimCluster, claims: Iterable[Claim], by, label: str | None = None,
                  note: str = "") -> ClaimCluster:
    """Move some of a cluster's claims into a new cluster of the same event; both sides are locked."""
    cluster = ClaimCluster.objects.select_for_update().get(id=cluster.id)
    claim_ids = {c.id for c in claims}
    moving = list(Claim.objects.filter(id__in=claim_ids).order_by("id"))
    strangers = [c.id for c in moving if c.cluster_id != cluster.id]
    if strangers or not moving or len(moving) != len(claim_ids):
        outside = f"; claims {', '.join(f'#{i}' for i in strangers)} are not in it." if strangers else "."
        raise CurationError(f"Choose claims of cluster #{cluster.id} to split off{outside}")
    staying = list(cluster.claims.exclude(id__in=claim_ids).order_by("id"))
    if not staying:
        raise CurationError("Splitting off every claim leaves the cluster empty; choose some, not all.")
    last = ClaimCluster.objects.filter(event_id=cluster.event_id).aggregate(m=models.Max("position"))["m"]
    position = (last or 0) + 1
    new_cluster = ClaimCluster(event_id=cluster.event_id, label=(label or "").strip() or moving[0].text,
                               position=position, locked=True)
    trail = _Trail(action=Action.CLUSTER_SPLIT, by=by, note=note,
                   summary=f"split {len(moving)} claim(s) off cluster #{cluster.id}")
    trail.create(new_cluster)
    for claim in moving:
        trail.set(claim, cluster=new_cluster, cluster_locked=True)
    for claim in staying:
        trail.set(claim, cluster_locked=True)
    trail.set(cluster, locked=True)
    _refresh_cluster_centroid(new_cluster)
    _refresh_cluster_centroid(cluster)
    trail.decision.summary = f"split {len(moving)} claim(s) off cluster #{cluster.id} into #{new_cluster.id}"
    trail.decision.save(update_fields=["summary"])
    trail.finish()
    return new_cluster


@transaction.atomic
def claim_move(*, claim: Claim, cluster: ClaimCluster, by, note: str = "") -> Claim:
    """Put one claim into another cluster of its event, locked there (and the cluster locked)."""
    claim = Claim.objects.select_for_update().get(id=claim.id)
    cluster = ClaimCluster.objects.get(id=cluster.id)
    if cluster.event_id != claim.event_id:
        raise CurationError(f"Claim #{claim.id} is in event #{claim.event_id} but cluster #{cluster.id} is in "
                            f"event #{cluster.event_id}; move the article (or merge the events) first.")
    old_cluster_id = claim.cluster_id
    trail = _Trail(action=Action.CLAIM_MOVE, by=by, note=note,
                   summary=f"moved claim #{claim.id} from cluster #{old_cluster_id} to #{cluster.id}")
    trail.set(claim, cluster=cluster, cluster_locked=True)
    trail.set(cluster, locked=True)
    _refresh_cluster_centroid(cluster)
    trail.finish()
    return claim


# --- relations ------------------------------------------------------------------------------

def _refresh_relation_event(relation: ClaimRelation) -> None:
    if relation.event_id:
        cluster_stage.refresh_event(Event.objects.get(id=relation.event_id))


@transaction.atomic
def relation_set_label(*, relation: ClaimRelation, label: str, by, note: str = "") -> ClaimRelation:
    """A curator's label for a pair: stored with ``set_by="curator"`` and locked.

    ``train_relations`` reads these rows as extra training data; analysis never overwrites them.
    """
    if label not in ClaimRelation.Label.values:
        raise CurationError(f"Unknown relation label {label!r}; use one of {', '.join(ClaimRelation.Label.values)}.")
    relation = ClaimRelation.objects.select_for_update().get(id=relation.id)
    trail = _Trail(action=Action.RELATION_LABEL, by=by, note=note,
                   summary=f"relation #{relation.id}: {relation.label} → {label}")
    values = {"label": label, "set_by": ClaimRelation.SetBy.CURATOR, "locked": True, "curator": by}
    if note:
        values["note"] = note
    if label != relation.label:
        # The machine's reason and confidence explained the old label, not this one.
        values.update(reason=ClaimRelation.Reason.CURATOR, score=1.0)
    trail.set(relation, **values)
    _refresh_relation_event(relation)
    trail.finish()
    return relation


@transaction.atomic
def relation_confirm(*, relation: ClaimRelation, by, note: str = "") -> ClaimRelation:
    """A curator agrees with the machine's label: keep label, reason and score; lock it as curated."""
    relation = ClaimRelation.objects.select_for_update().get(id=relation.id)
    trail = _Trail(action=Action.RELATION_CONFIRM, by=by, note=note,
                   summary=f"relation #{relation.id}: confirmed {relation.label}")
    values = {"set_by": ClaimRelation.SetBy.CURATOR, "locked": True, "curator": by}
    if note:
        values["note"] = note
    trail.set(relation, **values)
    trail.finish()
    return relation


@transaction.atomic
def relations_confirm(*, relations: Iterable[ClaimRelation], by, note: str = "") -> int:
    """Bulk: all or none."""
    count = 0
    for relation in relations:
        relation_confirm(relation=relation, by=by, note=note)
        count += 1
    return count


@transaction.atomic
def relations_set_label(*, relations: Iterable[ClaimRelation], label: str, by, note: str = "") -> int:
    """Bulk: all or none."""
    count = 0
    for relation in relations:
        relation_set_label(relation=relation, label=label, by=by, note=note)
        count += 1
    return count


# --- articles and outlets -------------------------------------------------------------------

@transaction.atomic
def article_mark_syndicated(*, article: Article, original: Article | None, by, note: str = "") -> Article:
    """Mark ``article`` a syndicated copy of ``original`` (``None``: it is not a copy), locked.

    A copy is not a confirmation: it joins its original's event (locked there) and the machine
    relations between the two are dropped and re-judged without the pair.
    """
    article = Article.objects.select_for_update().get(id=article.id)
    if original is not None:
        original = Article.objects.get(id=original.id)
        if original.id == article.id:
            raise CurationError("An article cannot be a syndicated copy of itself.")
        if original.syndicated_copy_of_id == article.id:
            raise CurationError(f"Article #{original.id} is already marked a copy of #{article.id}; "
                                "unmark it first, then mark the other way round.")
        if original.syndicated_copy_of_id:
            raise CurationError(f"Article #{original.id} is itself a copy of #{original.syndicated_copy_of_id}; "
                                f"mark #{article.id} a copy of #{original.syndicated_copy_of_id} instead.")
        summary = f"article #{article.id} is a syndicated copy of #{original.id}"
    else:
        summary = f"article #{article.id} is not a syndicated copy"
    trail = _Trail(action=Action.ARTICLE_SYNDICATION, by=by, note=note, summary=summary)
    trail.set(article, syndicated_copy_of=original, syndication_locked=True)
    touched = {article.event_id}
    if original is not None and original.event_id and original.event_id != article.event_id:
        touched |= _move_articles(trail, [article], Event.objects.get(id=original.event_id))
        touched.add(original.event_id)
    _rederive(touched)
    trail.finish()
    article.refresh_from_db()
    return article


@transaction.atomic
def articles_move(*, articles: Iterable[Article], event: Event, by, note: str = "") -> Event:
    """Move articles into an existing event, locked there."""
    articles = list(Article.objects.select_for_update().filter(id__in={a.id for a in articles}).order_by("id"))
    if not articles:
        raise CurationError("Choose the articles to move.")
    event = Event.objects.get(id=event.id)
    trail = _Trail(action=Action.ARTICLE_MOVE, by=by, note=note,
                   summary=f"moved article(s) {', '.join(f'#{a.id}' for a in articles)} into #{event.id}")
    sources = _move_articles(trail, articles, event)
    trail.set(event, locked=True)
    _rederive(sources | {event.id})
    trail.finish()
    return event


@transaction.atomic
def metadata_update(*, instance: Outlet | Article, data: dict, by, note: str = "") -> Outlet | Article:
    """Edit outlet or article metadata (country, language, ownership notes, title, byline, …)."""
    allowed = EDITABLE_METADATA.get(type(instance))
    if allowed is None:
        raise CurationError(f"{type(instance).__name__} metadata is not edited here; use its curation action.")
    refused = sorted(set(data) - allowed)
    if refused:
        raise CurationError(f"{', '.join(refused)} cannot be edited as metadata; "
                            "use the merge/split/move/syndication actions for membership and locks.")
    instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    trail = _Trail(action=Action.METADATA_EDIT, by=by, note=note,
                   summary=f"edited {type(instance).__name__.lower()} #{instance.pk}: {', '.join(sorted(data))}")
    trail.set(instance, **data)
    trail.finish()
    return instance


# --- the audit trail ------------------------------------------------------------------------

def _current(obj, attname):
    return _plain(getattr(obj, attname))


def _to_python(model, attname, value):
    field = model._meta.get_field(attname)
    if value is None or field.is_relation:
        return value
    return field.to_python(value)


@transaction.atomic
def decision_revert(*, decision: CurationDecision, by, note: str = "") -> CurationDecision:
    """Undo a decision: apply its changes in reverse, recorded as a new ``revert`` decision.

    Refuses (and changes nothing) when a curated value it set has been changed since, e.g. by a
    later decision; the message names the object so the later decision can be reverted first.
    """
    decision = CurationDecision.objects.select_for_update().get(id=decision.id)
    later = CurationDecision.objects.filter(reverts=decision).first()
    if later is not None:
        raise CurationError(f"Decision #{decision.id} was already reverted by decision #{later.id}.")
    trail = _Trail(action=Action.REVERT, by=by, note=note, reverts=decision,
                   summary=f"reverted #{decision.id}: {decision.summary}")
    touched: set[int] = set()
    for change in decision.changes.select_related("content_type").order_by("-sequence"):
        model = change.content_type.model_class()
        obj = model.objects.filter(pk=change.object_id).first()
        where = f"{model._meta.verbose_name} #{change.object_id} ({change.object_repr})"
        if model is Event:
            touched.add(change.object_id)
        if change.field == "event_id":
            touched.update(v for v in (change.before, change.after) if v)
        if change.operation == CurationChange.Operation.UPDATE:
            if change.machine_owned:
                continue  # the pipeline owns it and re-derives it below
            if obj is None:
                raise CurationError(f"{where} no longer exists, so decision #{decision.id} cannot be reverted.")
            if _current(obj, change.field) != change.after:
                raise CurationError(
                    f"{where}: {change.field} is now {_current(obj, change.field)!r}, not {change.after!r} as "
                    f"decision #{decision.id} left it. Revert the later decision that changed it first.")
            trail.set(obj, **{change.field: _to_python(model, change.field, change.before)})
        elif change.operation == CurationChange.Operation.DELETE:
            if obj is not None:
                raise CurationError(f"{where} exists again, so decision #{decision.id} cannot restore it.")
            restored = model(**{name: _to_python(model, name, value) for name, value in change.before.items()})
            try:
                with transaction.atomic():
                    trail.create(restored)
            except IntegrityError as exc:
                raise CurationError(f"{where} cannot be restored: {exc}".strip()) from exc
        else:  # CREATE: remove what the decision made, once nothing curated depends on it
            if obj is None:
                continue
            if model is Event and obj.articles.exists():
                raise CurationError(f"{where} has articles again; move them out before reverting #{decision.id}.")
            if model is ClaimCluster and obj.claims.filter(cluster_locked=True).exists():
                raise CurationError(f"{where} holds claims a curator put there; move them before reverting "
                                    f"#{decision.id}.")
            if model is ClaimCluster:
                touched.add(obj.event_id)
                obj.claims.update(cluster=None)
            trail.delete(obj)
    changed = list(decision.changes.select_related("content_type"))
    cluster_ids = [c.object_id for c in changed if c.content_type.model_class() is ClaimCluster]
    for cluster in ClaimCluster.objects.filter(id__in=cluster_ids):
        _refresh_cluster_centroid(cluster)
    if touched:
        _rederive(touched)
    else:
        relation_ids = [c.object_id for c in changed if c.content_type.model_class() is ClaimRelation]
        for relation in ClaimRelation.objects.filter(id__in=relation_ids[:1]):
            _refresh_relation_event(relation)  # the event's agree/contradict counters
    return trail.finish()
