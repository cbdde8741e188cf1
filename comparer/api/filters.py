"""Query-string filters for the list endpoints (django-filter) and the public ordering names.

Bad filter values are answered with 400 and the offending parameter named, never ignored:
ids must be positive integers, dates ISO 8601 (a plain ``2025-06-08`` means midnight UTC),
scores numbers in 0..1.
"""
from __future__ import annotations

from datetime import datetime, time, timezone as dt_timezone

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from comparer.models import Article, ClaimRelation

MAX_ID = 2**63 - 1


class MomentField(forms.Field):
    default_error_messages = {"invalid": "Enter an ISO 8601 date or date-time, like 2025-06-08 or 2025-06-08T12:00:00Z."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            moment = parse_datetime(text)
            if moment is None:
                day = parse_date(text)
                moment = datetime.combine(day, time.min) if day else None
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return timezone.make_aware(moment, dt_timezone.utc) if timezone.is_naive(moment) else moment


def _document(filter_field, schema: dict):
    """Give this filter instance an exact OpenAPI schema (with its own help text)."""
    description = filter_field.extra.get("help_text", "")
    extend_schema_field({**schema, "description": description})(filter_field)


class MomentFilter(django_filters.Filter):
    field_class = MomentField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _document(self, {"type": "string", "example": "2025-06-08T12:00:00Z"})


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        _document(self, {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})


class ScoreFilter(django_filters.NumberFilter):
    field_class = forms.FloatField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0.0)
        kwargs.setdefault("max_value", 1.0)
        super().__init__(*args, **kwargs)
        _document(self, {"type": "number", "minimum": 0, "maximum": 1})


class OutletFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", max_length=100,
                                        help_text="Country, case-insensitive, e.g. `Russia`.")
    language = django_filters.CharFilter(field_name="language", lookup_expr="iexact", max_length=20,
                                         help_text="Language code, e.g. `en`.")
    is_sample = django_filters.BooleanFilter(help_text="Only (or no) illustrative demo outlets.")


class ArticleFilter(django_filters.FilterSet):
    outlet = IdFilter(field_name="outlet_id", help_text="Outlet id.")
    country = django_filters.CharFilter(field_name="outlet__country", lookup_expr="iexact", max_length=100,
                                        help_text="Country of the outlet, case-insensitive.")
    language = django_filters.CharFilter(field_name="language", lookup_expr="iexact", max_length=20,
                                         help_text="Article language code.")
    event = IdFilter(field_name="event_id", help_text="Event id.")
    date_from = MomentFilter(field_name="published_at", lookup_expr="gte",
                             help_text="Published at or after (ISO 8601).")
    date_to = MomentFilter(field_name="published_at", lookup_expr="lte", help_text="Published at or before (ISO 8601).")
    analysis_status = django_filters.ChoiceFilter(choices=Article.AnalysisStatus.choices,
                                                  help_text="pending, done or failed.")
    has_contradictions = django_filters.BooleanFilter(method="filter_has_contradictions",
                                                      help_text="Only articles in events with (or without) contradictions.")

    def filter_has_contradictions(self, queryset, name, value):
        return queryset.filter(event__contradict_count__gt=0) if value else queryset.exclude(event__contradict_count__gt=0)


class EventFilter(django_filters.FilterSet):
    outlet = IdFilter(method="filter_outlet", help_text="Events covered by this outlet id.")
    country = django_filters.CharFilter(method="filter_country", max_length=100,
                                        help_text="Events covered by an outlet from this country.")
    language = django_filters.CharFilter(method="filter_language", max_length=20,
                                         help_text="Events with an article in this language.")
    date_from = MomentFilter(method="filter_date_from", help_text="Events still reported at or after (ISO 8601).")
    date_to = MomentFilter(method="filter_date_to", help_text="Events first reported at or before (ISO 8601).")
    has_contradictions = django_filters.BooleanFilter(method="filter_has_contradictions",
                                                      help_text="Only events with (or without) contradictions.")
    min_contradictions = django_filters.NumberFilter(field_name="contradict_count", lookup_expr="gte",
                                                     min_value=0, max_value=2**31 - 1,
                                                     help_text="At least this many contradictions.")
    reviewed = django_filters.BooleanFilter(help_text="Reviewed by a curator.")

    # Filters through articles use a subquery, so an event covered by several matching articles
    # appears once and the cursor pagination's ordering stays simple.
    def _through_articles(self, queryset, **lookups):
        return queryset.filter(id__in=Article.objects.filter(**lookups).values("event_id"))

    def filter_outlet(self, queryset, name, value):
        return self._through_articles(queryset, outlet_id=value)

    def filter_country(self, queryset, name, value):
        return self._through_articles(queryset, outlet__country__iexact=value)

    def filter_language(self, queryset, name, value):
        return self._through_articles(queryset, language__iexact=value)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(last_seen_sort__gte=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(first_seen_sort__lte=value)

    def filter_has_contradictions(self, queryset, name, value):
        return queryset.filter(contradict_count__gt=0) if value else queryset.filter(contradict_count=0)


class ClaimFilter(django_filters.FilterSet):
    outlet = IdFilter(field_name="article__outlet_id", help_text="Outlet id.")
    article = IdFilter(field_name="article_id", help_text="Article id.")
    event = IdFilter(field_name="event_id", help_text="Event id.")
    cluster = IdFilter(field_name="cluster_id", help_text="Claim cluster id.")
    country = django_filters.CharFilter(field_name="article__outlet__country", lookup_expr="iexact", max_length=100,
                                        help_text="Country of the outlet, case-insensitive.")
    language = django_filters.CharFilter(field_name="article__language", lookup_expr="iexact", max_length=20,
                                         help_text="Article language code.")
    date_from = MomentFilter(field_name="article__published_at", lookup_expr="gte",
                             help_text="Article published at or after (ISO 8601).")
    date_to = MomentFilter(field_name="article__published_at", lookup_expr="lte",
                           help_text="Article published at or before (ISO 8601).")
    speaker = django_filters.CharFilter(field_name="speaker_normalized", lookup_expr="icontains", max_length=300,
                                        help_text="Speaker name contains (case-insensitive).")
    is_checkworthy = django_filters.BooleanFilter(help_text="Factual claims worth checking.")
    has_contradictions = django_filters.BooleanFilter(method="filter_has_contradictions",
                                                      help_text="Claims in (or not in) a contradiction.")

    def filter_has_contradictions(self, queryset, name, value):
        contradicted = Exists(ClaimRelation.objects.filter(Q(claim_a_id=OuterRef("pk")) | Q(claim_b_id=OuterRef("pk")),
                                                           label=ClaimRelation.Label.CONTRADICT))
        return queryset.filter(contradicted if value else ~contradicted)


class RelationFilter(django_filters.FilterSet):
    event = IdFilter(field_name="event_id", help_text="Event id.")
    claim = IdFilter(method="filter_claim", help_text="Relations of this claim id (either side).")
    outlet = IdFilter(method="filter_outlet", help_text="Relations where either claim is from this outlet id.")
    label = django_filters.ChoiceFilter(choices=ClaimRelation.Label.choices,
                                        help_text="agree, contradict, discusses or unrelated.")
    reason = django_filters.ChoiceFilter(choices=ClaimRelation.Reason.choices, help_text="Why the label was given.")
    min_score = ScoreFilter(field_name="score", lookup_expr="gte", help_text="Confidence at least (0..1).")
    set_by = django_filters.ChoiceFilter(choices=ClaimRelation.SetBy.choices, help_text="model or curator.")

    def filter_claim(self, queryset, name, value):
        return queryset.filter(Q(claim_a_id=value) | Q(claim_b_id=value))

    def filter_outlet(self, queryset, name, value):
        return queryset.filter(Q(claim_a__article__outlet_id=value) | Q(claim_b__article__outlet_id=value))


class PublicOrderingFilter(OrderingFilter):
    """``?ordering=a,-b`` over the view's ``ordering_fields``.

    Public names in the view's ``ordering_aliases`` map to the selector's ``*_sort`` annotations
    (nullable dates coalesced), which cursor pagination can order and seek on.
    """

    def get_ordering(self, request, queryset, view):
        aliases = getattr(view, "ordering_aliases", {})
        ordering = super().get_ordering(request, queryset, view) or []
        return [("-" if term.startswith("-") else "") + aliases.get(term.lstrip("-"), term.lstrip("-"))
                for term in ordering]
