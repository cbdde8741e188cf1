"""Query-string filters for the list endpoints (django-filter) and the public ordering names.

Bad filter values are answered with 400 and the offending parameter named, never ignored:
ids must be positive integers, dates RFC 3339 (a plain ``2025-06-08`` means midnight UTC),
booleans ``true``/``false``, text no longer than its ``maxLength``,
scores numbers in 0..1.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone as dt_timezone

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from comparer.models import Article, ClaimRelation

MAX_ID = 2**63 - 1


# RFC 3339 as OpenAPI's `date` and `date-time` formats define them (what the schema promises); the
# 'T' and 'Z' may be lower case, a leap second (:60) reads as :59.
_FULL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})")
MOMENT_SCHEMA = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
                 "example": "2025-06-08T12:00:00Z"}


def parse_moment(text: str) -> datetime | None:
    """An RFC 3339 full-date (midnight UTC) or date-time, aware; None when it is neither."""
    try:
        if match := _FULL_DATE.fullmatch(text):
            year, month, day = map(int, match.groups())
            return datetime(year, month, day, tzinfo=dt_timezone.utc)
        if match := _DATE_TIME.fullmatch(text):
            year, month, day, hour, minute, second = map(int, match.groups()[:6])
            if hour > 23 or minute > 59 or second > 60:
                return None
            fraction, offset = match.group(7) or "", match.group(8)
            zone = dt_timezone.utc
            if offset not in ("Z", "z"):
                hours, minutes = int(offset[1:3]), int(offset[4:6])
                if hours > 23 or minutes > 59:
                    return None
                sign = -1 if offset[0] == "-" else 1
                zone = dt_timezone(sign * timedelta(hours=hours, minutes=minutes))
            moment = datetime(year, month, day, hour, minute, min(second, 59), int((fraction + "000000")[:6]),
                              tzinfo=zone)
            # In UTC, because PostgreSQL refuses offsets past 15:59 that RFC 3339 allows; a moment
            # the offset pushes outside years 1..9999 is the nearest one inside.
            try:
                return moment.astimezone(dt_timezone.utc)
            except OverflowError:
                return (datetime.min if year == 1 else datetime.max).replace(tzinfo=dt_timezone.utc)
    except ValueError:  # 2025-02-30, year 0
        return None
    return None


class MomentField(forms.Field):
    default_error_messages = {"invalid": "Enter an RFC 3339 date or date-time, like 2025-06-08 or 2025-06-08T12:00:00Z."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        moment = parse_moment(str(value))
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


class StrictBooleanField(forms.Field):
    """``true`` or ``false``, as OpenAPI serialises a boolean query parameter; anything else is a
    400 (django-filter's default read unknown values as "no filter")."""

    default_error_messages = {"invalid": "Enter true or false."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class TextFilter(django_filters.CharFilter):
    """A text filter whose schema carries its length limit and its refusal of NUL characters
    (Django's CharField refuses them; PostgreSQL text cannot hold them), which django-filter's does not."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "max_length" in self.extra:
            _document(self, {"type": "string", "maxLength": self.extra["max_length"], "pattern": r"^[^\x00]*$"})


def _document(filter_field, schema: dict):
    """Give this filter instance an exact OpenAPI schema (with its own help text)."""
    description = filter_field.extra.get("help_text", "")
    extend_schema_field({**schema, "description": description})(filter_field)


class MomentFilter(django_filters.Filter):
    field_class = MomentField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _document(self, MOMENT_SCHEMA)


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


class ApiFilterSet(django_filters.FilterSet):
    """A parameter given with an empty value (``?date_to=``) is a 400 unless it is text: an empty
    string is no integer, date, boolean or choice, so the schema does not allow it (django-filter
    reads it as "no filter")."""

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_field in self.filters.items():
            if not isinstance(filter_field, TextFilter) and self.data.get(name) == "":
                self.form.add_error(name, "Enter a value, or leave the parameter out.")
                valid = False
        return valid


class CountFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)
        _document(self, {"type": "integer", "minimum": 0, "maximum": 2**31 - 1})


class OutletFilter(ApiFilterSet):
    country = TextFilter(field_name="country", lookup_expr="iexact", max_length=100,
                                        help_text="Country, case-insensitive, e.g. `Russia`.")
    language = TextFilter(field_name="language", lookup_expr="iexact", max_length=20,
                                         help_text="Language code, e.g. `en`.")
    is_sample = BooleanFilter(help_text="Only (or no) illustrative demo outlets.")


class ArticleFilter(ApiFilterSet):
    outlet = IdFilter(field_name="outlet_id", help_text="Outlet id.")
    country = TextFilter(field_name="outlet__country", lookup_expr="iexact", max_length=100,
                                        help_text="Country of the outlet, case-insensitive.")
    language = TextFilter(field_name="language", lookup_expr="iexact", max_length=20,
                                         help_text="Article language code.")
    event = IdFilter(field_name="event_id", help_text="Event id.")
    date_from = MomentFilter(field_name="published_at", lookup_expr="gte",
                             help_text="Published at or after (ISO 8601).")
    date_to = MomentFilter(field_name="published_at", lookup_expr="lte", help_text="Published at or before (ISO 8601).")
    analysis_status = django_filters.ChoiceFilter(choices=Article.AnalysisStatus.choices,
                                                  help_text="pending, done or failed.")
    has_contradictions = BooleanFilter(method="filter_has_contradictions",
                                                      help_text="Only articles in events with (or without) contradictions.")

    def filter_has_contradictions(self, queryset, name, value):
        return queryset.filter(event__contradict_count__gt=0) if value else queryset.exclude(event__contradict_count__gt=0)


class EventFilter(ApiFilterSet):
    outlet = IdFilter(method="filter_outlet", help_text="Events covered by this outlet id.")
    country = TextFilter(method="filter_country", max_length=100,
                                        help_text="Events covered by an outlet from this country.")
    language = TextFilter(method="filter_language", max_length=20,
                                         help_text="Events with an article in this language.")
    date_from = MomentFilter(method="filter_date_from", help_text="Events still reported at or after (ISO 8601).")
    date_to = MomentFilter(method="filter_date_to", help_text="Events first reported at or before (ISO 8601).")
    has_contradictions = BooleanFilter(method="filter_has_contradictions",
                                                      help_text="Only events with (or without) contradictions.")
    min_contradictions = CountFilter(field_name="contradict_count", lookup_expr="gte",
                                     help_text="At least this many contradictions.")
    reviewed = BooleanFilter(help_text="Reviewed by a curator.")
    story = IdFilter(method="filter_story", help_text="The parts of the running story whose first event is this id "
                                                       "(that event included).")

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

    def filter_story(self, queryset, name, value):
        return queryset.filter(Q(id=value) | Q(story_id=value))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(last_seen_sort__gte=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(first_seen_sort__lte=value)

    def filter_has_contradictions(self, queryset, name, value):
        return queryset.filter(contradict_count__gt=0) if value else queryset.filter(contradict_count=0)


class ClaimFilter(ApiFilterSet):
    outlet = IdFilter(field_name="article__outlet_id", help_text="Outlet id.")
    article = IdFilter(field_name="article_id", help_text="Article id.")
    event = IdFilter(field_name="event_id", help_text="Event id.")
    cluster = IdFilter(field_name="cluster_id", help_text="Claim cluster id.")
    country = TextFilter(field_name="article__outlet__country", lookup_expr="iexact", max_length=100,
                                        help_text="Country of the outlet, case-insensitive.")
    language = TextFilter(field_name="article__language", lookup_expr="iexact", max_length=20,
                                         help_text="Article language code.")
    date_from = MomentFilter(field_name="article__published_at", lookup_expr="gte",
                             help_text="Article published at or after (ISO 8601).")
    date_to = MomentFilter(field_name="article__published_at", lookup_expr="lte",
                           help_text="Article published at or before (ISO 8601).")
    speaker = TextFilter(field_name="speaker_normalized", lookup_expr="icontains", max_length=300,
                                        help_text="Speaker name contains (case-insensitive).")
    is_checkworthy = BooleanFilter(help_text="Factual claims worth checking.")
    has_contradictions = BooleanFilter(method="filter_has_contradictions",
                                                      help_text="Claims in (or not in) a contradiction.")

    def filter_has_contradictions(self, queryset, name, value):
        contradicted = Exists(ClaimRelation.objects.filter(Q(claim_a_id=OuterRef("pk")) | Q(claim_b_id=OuterRef("pk")),
                                                           label=ClaimRelation.Label.CONTRADICT))
        return queryset.filter(contradicted if value else ~contradicted)


class RelationFilter(ApiFilterSet):
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
