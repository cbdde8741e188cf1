"""The curation audit trail: every curator decision, and each value it changed, from → to.

A ``CurationDecision`` is one action by one person (merge these events, relabel this relation).
Its ``CurationChange`` rows record, per object and field, the value before and after, in the
order they were applied, so ``comparer.services.decision_revert`` can undo them in reverse.

``RelationReview`` is a proxy of ``ClaimRelation`` so the admin can offer a review queue with
its own ordering and permissions without a second table.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from comparer.models import ClaimRelation


class CurationDecision(models.Model):
    class Action(models.TextChoices):
        EVENT_MERGE = "event_merge", "merge events"
        EVENT_SPLIT = "event_split", "split event"
        EVENT_RENAME = "event_rename", "rename event"
        EVENT_REVIEW = "event_review", "mark event reviewed"
        CLUSTER_MERGE = "cluster_merge", "merge claim clusters"
        CLUSTER_SPLIT = "cluster_split", "split claim cluster"
        CLAIM_MOVE = "claim_move", "move claim"
        RELATION_LABEL = "relation_label", "set relation label"
        RELATION_CONFIRM = "relation_confirm", "confirm relation label"
        ARTICLE_MOVE = "article_move", "move articles to an event"
        ARTICLE_SYNDICATION = "article_syndication", "set syndicated copy"
        METADATA_EDIT = "metadata_edit", "edit metadata"
        REVERT = "revert", "revert a decision"

    action = models.CharField(max_length=24, choices=Action.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="curation_decisions")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    summary = models.CharField(max_length=500)
    note = models.TextField(blank=True)
    reverts = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="reverted_by_decision",
                                   help_text="The decision this one undid, for action 'revert'.")

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("revert_curationdecision", "Can revert a curation decision")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_action_display()}: {self.summary}"

    @property
    def is_reverted(self) -> bool:
        return CurationDecision.objects.filter(reverts=self).exists()


class CurationChange(models.Model):
    class Operation(models.TextChoices):
        UPDATE = "update", "update"
        CREATE = "create", "create"
        DELETE = "delete", "delete"

    decision = models.ForeignKey(CurationDecision, on_delete=models.CASCADE, related_name="changes")
    sequence = models.PositiveIntegerField(help_text="Order in which the change was applied.")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField(db_index=True)
    object_repr = models.CharField(max_length=300)
    operation = models.CharField(max_length=6, choices=Operation.choices, default=Operation.UPDATE)
    field = models.CharField(max_length=100, blank=True, help_text="Attribute name; blank for create/delete.")
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder,
                              help_text="Old value; for a deletion, every field of the deleted row.")
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    machine_owned = models.BooleanField(
        default=False,
        help_text="A value the pipeline may recompute later (it is not locked), so a revert restores it "
                  "without insisting that it is unchanged since.")

    class Meta:
        ordering = ["decision_id", "sequence"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="curation_change_object")]

    def __str__(self) -> str:
        if self.operation == self.Operation.UPDATE:
            return f"{self.object_repr}.{self.field}: {self.before!r} → {self.after!r}"
        return f"{self.operation} {self.object_repr}"


class RelationReview(ClaimRelation):
    """Machine relations awaiting a curator, most doubtful or most consequential first."""

    class Meta:
        proxy = True
        verbose_name = "relation to review"
        verbose_name_plural = "review queue"
