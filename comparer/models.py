"""The domain: outlets publish articles; articles carry claims; claims group into
claim clusters inside events; pairs of claims from different outlets get relations.

Curators' decisions are stored with ``locked=True`` (or the ``*_locked`` flag of the
field they changed); every pipeline stage skips locked decisions.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex, VectorField

EMBEDDING_DIM = 384
# The multilingual vectors (multilingual-e5-small, ``comparer.pipeline.multilingual``) that line up
# claims and articles across languages; the English model's ``embedding`` stays for English quality.
XEMBEDDING_DIM = 384


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    domain = models.CharField(max_length=200, blank=True, db_index=True)
    country = models.CharField(max_length=100, blank=True, db_index=True)
    language = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True, help_text="Ownership, editorial line, anything a researcher should know.")
    is_sample = models.BooleanField(
        default=False, help_text="Illustrative sample outlet written for the demo, not a real outlet."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A happening covered by one or more outlets: a cluster of articles and their claims."""

    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    first_seen = models.DateTimeField(null=True, blank=True, db_index=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    centroid = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)
    # The mean multilingual vector of its claims: how an article in another language finds it.
    xcentroid = VectorField(dimensions=XEMBEDDING_DIM, null=True, blank=True)
    # Counters maintained by the pipeline so list pages need no aggregation.
    outlet_count = models.PositiveIntegerField(default=0)
    claim_count = models.PositiveIntegerField(default=0)
    agree_count = models.PositiveIntegerField(default=0)
    contradict_count = models.PositiveIntegerField(default=0)
    # Kept by ``refresh_event`` so that choosing an article's event reads them with the candidate
    # events instead of scanning their articles and claims: its languages ("" = not known) and its
    # most frequent places and speakers (``cluster.EVENT_ENTITY_LIMIT``).
    languages = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    entities = ArrayField(models.TextField(), default=list, blank=True)
    locked = models.BooleanField(default=False, help_text="Curated: the pipeline never merges or renames it.")
    reviewed = models.BooleanField(default=False)
    # A running story's first event; set on its later parts (``pipeline.stories``).
    story = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="parts",
                              help_text="The first event of the running story this event continues.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-contradict_count", "-first_seen", "-id"]
        indexes = [HnswIndex(name="event_centroid_hnsw", fields=["centroid"], m=16, ef_construction=64,
                             opclasses=["vector_cosine_ops"]),
                   HnswIndex(name="event_xcentroid_hnsw", fields=["xcentroid"], m=16, ef_construction=64,
                             opclasses=["vector_cosine_ops"])]

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    class AnalysisStatus(models.TextChoices):
        PENDING = "pending", "pending"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    url = models.URLField(max_length=1000, null=True, blank=True)
    title = models.CharField(max_length=1000)
    standfirst = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    byline = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=20, blank=True)
    source_format = models.CharField(max_length=20, blank=True)
    source_name = models.CharField(max_length=1000, blank=True, help_text="File, feed or API client it came from.")
    page_url = models.URLField(max_length=1000, blank=True, help_text="The page it was split from, if multi-story.")
    page_position = models.PositiveIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    ingested_at = models.DateTimeField(auto_now_add=True)

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    event_locked = models.BooleanField(default=False)
    syndicated_copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="syndicated_copies"
    )
    syndication_locked = models.BooleanField(default=False)
    analysis_status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING, db_index=True
    )
    analysis_error = models.TextField(blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=Q(url__isnull=False), name="article_unique_url"),
        ]
        # Analysis asks whether the corpus holds any article not in English (``run.multilingual_corpus``);
        # in an English-only corpus this index is empty and the answer costs nothing.
        indexes = [
            models.Index(fields=["language"], condition=~Q(language__in=["en", ""]), name="article_other_language"),
        ]

    def __str__(self) -> str:
        return self.title


class ClaimCluster(models.Model):
    """Claims, from one or more outlets, that state the same proposition."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="claim_clusters")
    label = models.TextField(help_text="A representative sentence.")
    centroid = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order of first appearance in the event.")
    locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event_id", "position", "id"]

    def __str__(self) -> str:
        return self.label[:120]


class Claim(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    cluster = models.ForeignKey(
        ClaimCluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    cluster_locked = models.BooleanField(default=False)
    position = models.PositiveIntegerField(help_text="Sentence index in the article (0 = headline).")
    char_start = models.PositiveIntegerField()
    char_end = models.PositiveIntegerField()
    text = models.TextField()
    text_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=20, blank=True, db_index=True,
                                help_text="ISO 639-1 code of the sentence's language (its article's).")
    is_headline = models.BooleanField(default=False)
    is_checkworthy = models.BooleanField(default=True)
    speaker = models.CharField(max_length=300, blank=True)
    speaker_normalized = models.CharField(max_length=300, blank=True, db_index=True)
    channel = models.CharField(max_length=300, blank=True, help_text="Through whom it was said (TASS, Telegram).")
    channel_normalized = models.CharField(max_length=300, blank=True)
    is_quote = models.BooleanField(default=False)
    numbers = models.JSONField(default=list, blank=True)
    dates = models.JSONField(default=list, blank=True)
    places = models.JSONField(default=list, blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)
    xvector = VectorField(dimensions=XEMBEDDING_DIM, null=True, blank=True,
                          help_text="Multilingual vector (multilingual-e5-small) for matching across languages.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article_id", "position"]
        constraints = [models.UniqueConstraint(fields=["article", "position"], name="claim_unique_position")]
        indexes = [
            HnswIndex(name="claim_embedding_hnsw", fields=["embedding"], m=16, ef_construction=64,
                      opclasses=["vector_cosine_ops"]),
            GinIndex(SearchVector("text", config="english"), name="claim_text_search"),
            models.Index(fields=["event", "cluster"], name="claim_event_cluster"),
        ]

    def __str__(self) -> str:
        return self.text[:120]


class ClaimRelation(models.Model):
    """A judgement on a pair of claims from different outlets in one event."""

    class Label(models.TextChoices):
        AGREE = "agree", "agree"
        CONTRADICT = "contradict", "contradict"
        DISCUSSES = "discusses", "discusses"
        UNRELATED = "unrelated", "unrelated"

    class Reason(models.TextChoices):
        NEGATION = "negation", "negation"
        NUMERIC_MISMATCH = "numeric_mismatch", "numeric mismatch"
        SAME_FIGURE = "same_figure", "same figure"
        ANTONYM = "antonym", "antonym"
        ATTRIBUTION_CONFLICT = "attribution_conflict", "attribution conflict"
        MODEL = "model", "model"
        SAME_PROPOSITION = "same_proposition", "same proposition"
        CURATOR = "curator", "curator"

    class SetBy(models.TextChoices):
        MODEL = "model", "model"
        CURATOR = "curator", "curator"

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="relations")
    claim_a = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_as_a")
    claim_b = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_as_b")
    label = models.CharField(max_length=12, choices=Label.choices, db_index=True)
    score = models.FloatField(default=0.0, help_text="Confidence in the label, 0..1.")
    reason = models.CharField(max_length=24, choices=Reason.choices, default=Reason.MODEL)
    details = models.JSONField(default=dict, blank=True, help_text="Machine-readable evidence, e.g. both figures.")
    set_by = models.CharField(max_length=10, choices=SetBy.choices, default=SetBy.MODEL)
    locked = models.BooleanField(default=False)
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_id", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["claim_a", "claim_b"], name="relation_unique_pair"),
            models.CheckConstraint(condition=Q(claim_a__lt=models.F("claim_b")), name="relation_ordered_pair"),
        ]
        indexes = [models.Index(fields=["event", "label"], name="relation_event_label")]

    def __str__(self) -> str:
        return f"{self.claim_a_id} {self.label} {self.claim_b_id}"


class EmbeddingCache(models.Model):
    """Vectors by text hash, so re-analysis and repeated sentences never re-encode."""

    text_hash = models.CharField(max_length=64, primary_key=True)
    model_name = models.CharField(max_length=100)
    embedding = VectorField(dimensions=EMBEDDING_DIM)
    created_at = models.DateTimeField(auto_now_add=True)
