"""Feeds and the PostgreSQL-backed job queue.

- ``Feed``: an RSS/Atom feed polled with conditional GET (``etag``/``modified``); failures
  push ``next_poll_at`` back exponentially, and ``health`` summarises the state for the admin.
- ``DomainFetchSlot``: the last fetch time per domain, shared by every process, so workers on
  several machines still fetch one domain politely.
- ``Job``: a unit of background work for the embedded default (``COMPARER_TASK_BACKEND="queue"``),
  claimed by workers with ``SELECT … FOR UPDATE SKIP LOCKED``; it is written in the caller's
  transaction, so a job exists exactly when the rows it refers to were committed.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Feed(models.Model):
    class Health(models.TextChoices):
        NEW = "new", "never polled"
        OK = "ok", "ok"
        FAILING = "failing", "failing (backing off)"
        PAUSED = "paused", "paused"

    url = models.URLField(max_length=1000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    outlet_name = models.CharField(max_length=200, blank=True,
                                   help_text="Outlet to file articles under; blank = the page's site name.")
    active = models.BooleanField(default=True, help_text="Paused feeds are never polled.")
    poll_interval = models.PositiveIntegerField(default=900, help_text="Seconds between polls when healthy.")
    etag = models.CharField(max_length=500, blank=True)
    modified = models.CharField(max_length=100, blank=True, help_text="Last-Modified header, sent back verbatim.")
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True, help_text="HTTP status of the last poll.")
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    entries_seen = models.PositiveIntegerField(default=0)
    articles_created = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def health(self) -> str:
        if not self.active:
            return self.Health.PAUSED
        if self.consecutive_failures:
            return self.Health.FAILING
        if self.last_polled_at is None:
            return self.Health.NEW
        return self.Health.OK

    @property
    def is_due(self) -> bool:
        return self.active and (self.next_poll_at is None or self.next_poll_at <= timezone.now())


class DomainFetchSlot(models.Model):
    domain = models.CharField(max_length=255, primary_key=True)
    next_fetch_at = models.DateTimeField(help_text="Earliest time the next request to this domain may start.")

    def __str__(self) -> str:
        return self.domain


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    queue = models.CharField(max_length=50, default="analysis",
                             help_text="'fetch' for network work, 'analysis' for embedding and analysis.")
    task = models.CharField(max_length=100, help_text="Name of a function in comparer.tasks.TASKS.")
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    run_after = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Workers only ever scan queued jobs; a partial index keeps that scan small as done jobs pile up.
            models.Index(fields=["queue", "run_after", "id"], name="job_queued_ready",
                         condition=Q(status="queued")),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.id} ({self.status})"
