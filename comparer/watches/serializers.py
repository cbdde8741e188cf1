"""What the watches API prints and accepts. Writes are validated by ``services.watch_values``, the
same rules as the pages' Watch buttons."""
from __future__ import annotations

from django.core.validators import RegexValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from comparer.models import Event, Outlet
from comparer.watches import services
from comparer.watches.feeds import change_link
from comparer.watches.models import Watch, WatchChange


class _JsonString(serializers.CharField):
    """A JSON string only (DRF would turn 0 or true into text), without NUL (PostgreSQL text cannot hold it)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(r"^[^\x00]*$", "Text cannot contain NUL characters."))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _Id(serializers.PrimaryKeyRelatedField):
    """An id as a JSON integer (not "12", not true)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class _ClaimSideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    speaker = serializers.CharField(allow_blank=True)
    outlet = serializers.CharField()


class _EventBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class _SearchFiltersSerializer(serializers.Serializer):
    outlet = serializers.IntegerField(allow_null=True)
    event = serializers.IntegerField(allow_null=True)
    country = serializers.CharField(allow_blank=True)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)


class WatchSerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True, help_text="What is watched, in words.")
    filters = serializers.SerializerMethodField(help_text="A search watch's filters (null for the other kinds).")
    changes_url = serializers.SerializerMethodField()

    class Meta:
        model = Watch
        fields = ["id", "kind", "description", "event", "outlet_a", "outlet_b", "query", "search_mode", "filters",
                  "created_at", "changes_url"]

    @extend_schema_field(_SearchFiltersSerializer(allow_null=True))
    def get_filters(self, watch: Watch) -> dict | None:
        if watch.kind != Watch.Kind.SEARCH:
            return None
        return {"outlet": watch.filter_outlet_id, "event": watch.filter_event_id, "country": watch.filter_country,
                "date_from": watch.filter_date_from, "date_to": watch.filter_date_to}

    def get_changes_url(self, watch: Watch) -> str:
        return reverse("api:watch-changes", kwargs={"pk": watch.id})


class WatchCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Watch.Kind.choices)
    event = _Id(queryset=Event.objects.only("id", "title"), required=False, allow_null=True,
                help_text="kind=event: the event's id.")
    outlet_a = _Id(queryset=Outlet.objects.all(), required=False, allow_null=True,
                   help_text="kind=outlet_pair: one outlet's id.")
    outlet_b = _Id(queryset=Outlet.objects.all(), required=False, allow_null=True,
                   help_text="kind=outlet_pair: the other outlet's id.")
    query = _JsonString(required=False, allow_blank=True, max_length=500, help_text="kind=search: the words.")
    search_mode = serializers.ChoiceField(choices=Watch.SearchMode.choices, required=False,
                                          help_text="kind=search: keyword (default) or semantic.")
    filter_outlet = _Id(queryset=Outlet.objects.all(), required=False, allow_null=True)
    filter_event = _Id(queryset=Event.objects.only("id", "title"), required=False, allow_null=True)
    filter_country = _JsonString(required=False, allow_blank=True, max_length=100)
    filter_date_from = serializers.DateField(required=False, allow_null=True)
    filter_date_to = serializers.DateField(required=False, allow_null=True)

    def validate(self, data):
        target = {name: value for name, value in data.items() if value is not None}
        try:
            services.watch_values(**target)
        except services.WatchError as error:
            raise serializers.ValidationError({"non_field_errors": [str(error)]}) from error
        return target


class WatchChangeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=WatchChange.Kind.choices)
    event = serializers.SerializerMethodField()
    relation = serializers.IntegerField(source="relation_id", allow_null=True,
                                        help_text="The relation's id while it exists (re-analysis may replace it).")
    reason = serializers.SerializerMethodField(help_text="A relation reason, e.g. numeric_mismatch; null for outlet_joined.")
    figures = serializers.SerializerMethodField(help_text="numeric_mismatch: both figures as written.")
    claim_a = serializers.SerializerMethodField()
    claim_b = serializers.SerializerMethodField()
    outlet = serializers.SerializerMethodField(help_text="outlet_joined: the outlet's name.")
    link = serializers.SerializerMethodField(help_text="The row on the event page.")

    class Meta:
        model = WatchChange
        fields = ["id", "watch", "kind", "detected_at", "event", "relation", "reason", "figures", "claim_a",
                  "claim_b", "outlet", "link"]

    @extend_schema_field(_EventBriefSerializer(allow_null=True))
    def get_event(self, change) -> dict | None:
        snapshot = change.snapshot or {}
        return {"id": snapshot["event_id"], "title": snapshot.get("event_title", "")} if snapshot.get("event_id") else None

    def get_reason(self, change) -> str | None:
        return (change.snapshot or {}).get("reason")

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_figures(self, change) -> list[str] | None:
        return (change.snapshot or {}).get("figures")

    def _claim(self, change, side: str) -> dict | None:
        claim = (change.snapshot or {}).get(side)
        if not claim:
            return None
        return {"id": claim["id"], "text": claim["text"], "speaker": claim.get("speaker", ""), "outlet": claim["outlet"]}

    @extend_schema_field(_ClaimSideSerializer(allow_null=True))
    def get_claim_a(self, change) -> dict | None:
        return self._claim(change, "claim_a")

    @extend_schema_field(_ClaimSideSerializer(allow_null=True))
    def get_claim_b(self, change) -> dict | None:
        return self._claim(change, "claim_b")

    def get_outlet(self, change) -> str | None:
        return (change.snapshot or {}).get("outlet")

    def get_link(self, change) -> str:
        request = self.context.get("request")
        link = change_link(change)
        return request.build_absolute_uri(link) if request is not None else link
