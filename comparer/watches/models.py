"""What a researcher watches, what changed for each watch, and how they hear about it.

A ``Watch`` names a scope: one event, one pair of outlets, or a saved claim search. A
``WatchChange`` is one piece of news inside that scope (a new contradiction, a figure mismatch, a
curator's relabel to contradict, an outlet joining the event), recorded once per watch under a
``key`` that names the fact rather than the database row: analysis may delete and re-create a
relation (``analyze --full``) or update it in place, so relation ids and timestamps cannot say
what is new. What was already true when the watch was made is recorded too, as
``known_at_start``, so it is never reported.

``WatchSettings`` holds a user's secret feed token and digest frequency.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from pgvector.django import VectorField

from comparer.models import EMBEDDING_DIM, ClaimRelation, Event, Outlet


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Watch(models.Model):
    class Kind(models.TextChoices):
        EVENT = "event", "event"
        OUTLET_PAIR = "outlet_pair", "outlet pair"
        SEARCH = "search", "search"

    class SearchMode(models.TextChoices):
        KEYWORD = "keyword", "words"
        SEMANTIC = "semantic", "meaning"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Which scope, as a string, so that one constraint keeps a user from watching the same thing twice.
    target_key = models.CharField(max_length=200)

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    outlet_a = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    outlet_b = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    # A saved search: the same query and filters as the search page (comparer.search.search_claims).
    query = models.CharField(max_length=500, blank=True)
    search_mode = models.CharField(max_length=10, choices=SearchMode.choices, blank=True)
    filter_outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    filter_event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    filter_country = models.CharField(max_length=100, blank=True)
    filter_date_from = models.DateField(null=True, blank=True)
    filter_date_to = models.DateField(null=True, blank=True)
    # The semantic query's vector, encoded once when the watch is made, so scanning for news never
    # loads the sentence encoder.
    query_embedding = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "target_key"], name="watch_unique_target"),
            models.CheckConstraint(name="watch_kind_has_target", condition=(
                Q(kind="event", event__isnull=False)
                | Q(kind="outlet_pair", outlet_a__isnull=False, outlet_b__isnull=False, outlet_a__lt=models.F("outlet_b"))
                | (Q(kind="search") & ~Q(query="")))),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def description(self) -> str:
        """What is watched, in words (page, feed and mail)."""
        if self.kind == self.Kind.EVENT:
            return f"Event: {self.event.title}"
        if self.kind == self.Kind.OUTLET_PAIR:
            return f"Outlets: {self.outlet_a.name} vs {self.outlet_b.name}"
        filters = [f"outlet {self.filter_outlet.name}" if self.filter_outlet_id else "",
                   f"event {self.filter_event.title}" if self.filter_event_id else "",
                   f"country {self.filter_country}" if self.filter_country else "",
                   f"from {self.filter_date_from:%Y-%m-%d}" if self.filter_date_from else "",
                   f"to {self.filter_date_to:%Y-%m-%d}" if self.filter_date_to else ""]
        extra = ", ".join(part for part in filters if part)
        return f"Search ({self.get_search_mode_display()}): “{self.query}”" + (f"; {extra}" if extra else "")


class WatchChange(models.Model):
    class Kind(models.TextChoices):
        CONTRADICTION = "contradiction", "new contradiction"
        FIGURE_MISMATCH = "figure_mismatch", "figures differ"
        RELABEL = "relabel", "curator relabelled as contradiction"
        OUTLET_JOINED = "outlet_joined", "new outlet on the event"

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="changes")
    # The fact, e.g. "contradict:12:40" or "contradict:12:40:3435:600" (a figure mismatch names
    # both figures, so a pair whose figures change is news again) or "outlet:7".
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    known_at_start = models.BooleanField(
        default=False, help_text="Already true when the watch was made: recorded so it is never reported as new.")
    relation = models.ForeignKey(ClaimRelation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the feed and the mail show, copied when the change was found: a later re-analysis may
    # delete the relation, and a feed entry must not change under the reader.
    snapshot = models.JSONField(default=dict, blank=True)
    detected_at = models.DateTimeField(db_index=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["watch", "key"], name="watch_change_unique_key")]
        indexes = [models.Index(fields=["watch", "known_at_start", "mailed_at"], name="watch_change_unmailed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.key})"


class WatchSettings(models.Model):
    class Frequency(models.TextChoices):
        OFF = "off", "off"
        HOURLY = "hourly", "hourly"
        DAILY = "daily", "daily"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_settings")
    # The secret in the feed URL; renewing it revokes the old URL.
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    digest_frequency = models.CharField(max_length=6, choices=Frequency.choices, default=Frequency.DAILY)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "watch settings"

    def __str__(self) -> str:
        return f"watch settings of {self.user}"
