"""Writes for watches: make and remove watches, record what changed, renew the feed secret, and
mail digests.

News is found by scanning each watch's scope (``changes_record``) and comparing it with the facts
already recorded for the watch: analysis calls ``changes_record_all`` when it finishes, and the
feed, the API and the digest scan the watches they read first, so a curator's relabel made in
the admin, or a run whose hook failed, is still found.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from comparer.models import ClaimRelation, Event, Outlet
from comparer.watches import selectors
from comparer.watches.models import Watch, WatchChange, WatchSettings, new_feed_token

logger = logging.getLogger("comparer.watches")

DIGEST_INTERVALS = {WatchSettings.Frequency.HOURLY: timedelta(hours=1),
                    WatchSettings.Frequency.DAILY: timedelta(days=1)}
# A digest run that starts a little early (a cron or a worker tick drifting) still sends.
DIGEST_SLACK = timedelta(minutes=2)
DIGEST_MAX_CHANGES = 200


class WatchError(ValueError):
    """A watch that cannot be made as asked; the message says what to change."""


# --- watches ----------------------------------------------------------------------------------

def _search_key(*, query: str, mode: str, outlet: Outlet | None, event: Event | None, country: str,
                date_from: date | None, date_to: date | None) -> str:
    """One key for one search: the same words (case and spacing aside), mode and filters."""
    normal = json.dumps([" ".join(query.split()).lower(), mode, outlet.id if outlet else None,
                         event.id if event else None, country.lower(), str(date_from or ""), str(date_to or "")])
    return f"search:{hashlib.sha256(normal.encode()).hexdigest()[:40]}"


def watch_values(*, kind: str, event: Event | None = None, outlet_a: Outlet | None = None,
                 outlet_b: Outlet | None = None, query: str = "", search_mode: str = Watch.SearchMode.KEYWORD,
                 filter_outlet: Outlet | None = None, filter_event: Event | None = None, filter_country: str = "",
                 filter_date_from: date | None = None, filter_date_to: date | None = None) -> dict:
    """The fields of a watch of ``kind``, ``target_key`` included; a ``WatchError`` says what is missing."""
    values: dict = {"kind": kind}
    if kind == Watch.Kind.EVENT:
        if event is None:
            raise WatchError("Pick the event to watch.")
        values.update(event=event, target_key=f"event:{event.id}")
    elif kind == Watch.Kind.OUTLET_PAIR:
        if outlet_a is None or outlet_b is None:
            raise WatchError("Pick two outlets to watch.")
        if outlet_a.id == outlet_b.id:
            raise WatchError("Pick two different outlets.")
        outlet_a, outlet_b = sorted([outlet_a, outlet_b], key=lambda outlet: outlet.id)
        values.update(outlet_a=outlet_a, outlet_b=outlet_b, target_key=f"outlets:{outlet_a.id}:{outlet_b.id}")
    elif kind == Watch.Kind.SEARCH:
        query = " ".join(query.split())
        if not query:
            raise WatchError("Type the words to search for before watching the search.")
        if search_mode not in Watch.SearchMode.values:
            raise WatchError(f"Search by one of {', '.join(Watch.SearchMode.values)}.")
        if filter_date_from and filter_date_to and filter_date_from > filter_date_to:
            raise WatchError("The end date is before the start date; swap them or clear one.")
        filter_country = filter_country.strip()
        values.update(query=query, search_mode=search_mode, filter_outlet=filter_outlet, filter_event=filter_event,
                      filter_country=filter_country, filter_date_from=filter_date_from,
                      filter_date_to=filter_date_to,
                      target_key=_search_key(query=query, mode=search_mode, outlet=filter_outlet, event=filter_event,
                                             country=filter_country, date_from=filter_date_from,
                                             date_to=filter_date_to))
    else:
        raise WatchError(f"Watch one of: {', '.join(Watch.Kind.values)}.")
    return values


@transaction.atomic
def watch_create(*, user, **target) -> tuple[Watch, bool]:
    """Watch an event, an outlet pair or a search (``target``: the keyword arguments of
    ``watch_values``); returns ``(watch, created)``.

    Watching the same thing again returns the existing watch. What is already true in the scope
    is recorded as known at start, so only what happens afterwards is news.
    """
    values = watch_values(**target)
    kind, query, search_mode = values["kind"], values.get("query", ""), values.get("search_mode")
    existing = Watch.objects.filter(user=user, target_key=values["target_key"]).first()
    if existing is not None:
        return existing, False
    watch = Watch(user=user, **values)
    if kind == Watch.Kind.SEARCH and search_mode == Watch.SearchMode.SEMANTIC:
        from comparer.pipeline.embed import encode

        watch.query_embedding = encode([query])[0]
    try:
        with transaction.atomic():
            watch.save()
    except IntegrityError:  # the same watch made at the same moment by another request
        return Watch.objects.get(user=user, target_key=values["target_key"]), False
    watch_settings_of(user=user)
    changes_record(watch=watch, known_at_start=True)
    return watch, True


@transaction.atomic
def watch_delete(*, watch: Watch) -> None:
    watch.delete()


# --- settings and the feed secret -------------------------------------------------------------

def watch_settings_of(*, user) -> WatchSettings:
    """The user's settings, made on first use (a feed token and the default digest frequency)."""
    found, _ = WatchSettings.objects.get_or_create(user=user)
    return found


@transaction.atomic
def feed_token_renew(*, user) -> WatchSettings:
    """A new secret for the user's feed URL; the old URL stops working at once."""
    current = watch_settings_of(user=user)
    current.feed_token = new_feed_token()
    current.save(update_fields=["feed_token"])
    return current


@transaction.atomic
def digest_frequency_set(*, user, frequency: str) -> WatchSettings:
    if frequency not in WatchSettings.Frequency.values:
        raise WatchError(f"Send digests {', '.join(WatchSettings.Frequency.values)}.")
    current = watch_settings_of(user=user)
    current.digest_frequency = frequency
    current.save(update_fields=["digest_frequency"])
    return current


# --- finding news -----------------------------------------------------------------------------

def _claim_snapshot(claim) -> dict:
    return {"id": claim.id, "text": claim.text, "speaker": claim.speaker, "outlet": claim.article.outlet.name,
            "outlet_slug": claim.article.outlet.slug, "article_id": claim.article.id,
            "article_title": claim.article.title}


def _figure(details: dict, side: str):
    figure = details.get(side)
    return figure.get("value") if isinstance(figure, dict) else None


def relation_change(relation: ClaimRelation) -> tuple[str, str, dict]:
    """``(key, kind, snapshot)`` for a contradicting relation."""
    details = relation.details or {}
    key = f"contradict:{relation.claim_a_id}:{relation.claim_b_id}"
    if relation.set_by == ClaimRelation.SetBy.CURATOR and relation.reason == ClaimRelation.Reason.CURATOR:
        kind = WatchChange.Kind.RELABEL
    elif relation.reason == ClaimRelation.Reason.NUMERIC_MISMATCH:
        kind = WatchChange.Kind.FIGURE_MISMATCH
        key += f":{_figure(details, 'a')}:{_figure(details, 'b')}"
    else:
        kind = WatchChange.Kind.CONTRADICTION
    figures = None
    if isinstance(details.get("a"), dict) and isinstance(details.get("b"), dict):
        figures = [str(details["a"].get("text", details["a"].get("value", ""))),
                   str(details["b"].get("text", details["b"].get("value", "")))]
    snapshot = {"event_id": relation.event_id, "event_title": relation.event.title if relation.event_id else "",
                "relation_id": relation.id, "reason": relation.reason, "reason_text": relation.get_reason_display(),
                "set_by": relation.set_by, "score": relation.score, "figures": figures,
                "claim_a": _claim_snapshot(relation.claim_a), "claim_b": _claim_snapshot(relation.claim_b)}
    return key[:200], kind, snapshot


def changes_record(*, watch: Watch, known_at_start: bool = False, now=None) -> int:
    """Record what in the watch's scope is not yet recorded for it; returns how many rows were added.

    Safe to run at any time and from several processes at once: a fact is stored once per watch
    (unique key; a concurrent duplicate is ignored).
    """
    now = now or timezone.now()
    known = set(WatchChange.objects.filter(watch=watch).values_list("key", flat=True))
    found: list[WatchChange] = []
    for relation in selectors.scope_contradictions(watch).iterator(chunk_size=500):
        key, kind, snapshot = relation_change(relation)
        if key not in known:
            known.add(key)
            found.append(WatchChange(watch=watch, key=key, kind=kind, known_at_start=known_at_start,
                                     relation_id=relation.id, event_id=relation.event_id, snapshot=snapshot,
                                     detected_at=now))
    if watch.kind == Watch.Kind.EVENT:
        for outlet in selectors.event_outlets(watch):
            key = f"outlet:{outlet.id}"
            if key not in known:
                known.add(key)
                found.append(WatchChange(
                    watch=watch, key=key, kind=WatchChange.Kind.OUTLET_JOINED, known_at_start=known_at_start,
                    event_id=watch.event_id, detected_at=now,
                    snapshot={"event_id": watch.event_id, "event_title": watch.event.title,
                              "outlet": outlet.name, "outlet_slug": outlet.slug}))
    WatchChange.objects.bulk_create(found, batch_size=500, ignore_conflicts=True)
    return len(found)


def changes_record_for_user(*, user) -> int:
    return sum(changes_record(watch=watch) for watch in Watch.objects.filter(user=user).select_related("event"))


def changes_record_all() -> int:
    """Scan every watch; the hook analysis calls when a run finishes."""
    return sum(changes_record(watch=watch) for watch in Watch.objects.select_related("event"))


def changes_record_after_analysis() -> None:
    """``changes_record_all`` for the end of an analysis run: a failure here must not fail the
    analysis (the feed, the API and the digest scan again when they are read)."""
    try:
        with transaction.atomic():
            changes_record_all()
    except Exception:  # noqa: BLE001 - logged; the next read of the feed or digest scans again
        logger.exception("recording watch changes after analysis failed; the next feed or digest read retries")


# --- digests ----------------------------------------------------------------------------------

@dataclass
class DigestReport:
    sent: int = 0
    changes: int = 0
    failed: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return (f"{self.sent} digests sent ({self.changes} changes), {self.failed} failed, "
                f"{self.skipped} with nothing new")


def _digest_due(current: WatchSettings, now) -> bool:
    interval = DIGEST_INTERVALS.get(current.digest_frequency)
    if interval is None or not current.user.email:
        return False
    return current.last_digest_at is None or current.last_digest_at <= now - interval + DIGEST_SLACK


def _digest_message(*, user, changes: list[WatchChange], base_url: str) -> EmailMultiAlternatives:
    context = {"user": user, "changes": changes, "base_url": base_url.rstrip("/")}
    count = len(changes)
    subject = f"Comparer: {count} new contested point{'s' if count != 1 else ''} on your watches"
    message = EmailMultiAlternatives(subject=subject, body=render_to_string("watches/digest_email.txt", context),
                                     to=[user.email])
    message.attach_alternative(render_to_string("watches/digest_email.html", context), "text/html")
    return message


def digest_send(*, user, now=None, force: bool = False) -> int:
    """Mail the user the news not mailed before; returns how many changes it carried (0: nothing sent).

    Sent inside a transaction that holds the user's settings row: the changes are marked mailed
    only after the mail server accepted the message, so a failed send leaves them for the next
    run (and raises), and two workers never mail the same digest.
    """
    now = now or timezone.now()
    # News is recorded first, in its own transaction, so a send that fails below keeps it.
    with transaction.atomic():
        changes_record_for_user(user=user)
    with transaction.atomic():
        watch_settings_of(user=user)
        current = (WatchSettings.objects.select_for_update(skip_locked=True).select_related("user")
                   .filter(user=user).first())
        if current is None or not (force or _digest_due(current, now)):
            return 0  # another worker is sending it, or it is not due
        if not current.user.email:
            return 0
        changes = list(selectors.unmailed_changes(user=user).select_for_update(of=("self",))[:DIGEST_MAX_CHANGES])
        if not changes:
            return 0
        _digest_message(user=current.user, changes=changes, base_url=settings.COMPARER_WATCHES["SITE_URL"]).send()
        WatchChange.objects.filter(id__in=[change.id for change in changes]).update(mailed_at=now)
        current.last_digest_at = now
        current.save(update_fields=["last_digest_at"])
    return len(changes)


def digests_send_due(*, now=None) -> DigestReport:
    """Send every digest that is due (hourly or daily since the last one). A digest that fails is
    logged and left for the next run; the others still go."""
    now = now or timezone.now()
    report = DigestReport()
    due = [current for current in WatchSettings.objects.select_related("user").exclude(
        digest_frequency=WatchSettings.Frequency.OFF) if _digest_due(current, now)]
    for current in due:
        try:
            count = digest_send(user=current.user, now=now)
        except Exception:  # noqa: BLE001 - one failing mailbox must not stop the others; retried next run
            logger.exception("digest for user %s failed; it will be retried", current.user_id)
            report.failed += 1
            continue
        if count:
            report.sent += 1
            report.changes += count
        else:
            report.skipped += 1
    return report
