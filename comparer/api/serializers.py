"""What the API prints and accepts. Read serializers only format rows the selectors fetched;
submission validation turns a partner's JSON into ``ingest.ArticleInput`` with field errors.
"""
from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from rest_framework import serializers

from comparer.models import Article, Claim, ClaimRelation, Event, Outlet
from comparer.pipeline import ingest
from comparer.safe_urls import is_http_url, unsafe_url_reason
from comparer.search import MODES

# What the schema says a submitted body must hold (comparer.api.schema.describe_submission_body),
# checked as written so the API accepts exactly what the schema allows.
NO_NUL_PATTERN = r"^[^\x00]*$"
# Twenty characters other than spaces (and no NUL anywhere), without look-ahead so that any JSON
# Schema tool can read it.
TEXT_PATTERN_SOURCE = r"^(\s*[^\s\x00]){%d}[^\x00]*$" % ingest.MIN_ARTICLE_CHARS
TEXT_PATTERN = re.compile(TEXT_PATTERN_SOURCE)


class StrictCharField(serializers.CharField):
    """A JSON string and nothing else (DRF's CharField turns 0 or true into "0"/"True", which the
    schema's ``type: string`` does not allow). NUL characters, which PostgreSQL text cannot hold,
    are refused as before, and the schema says so (``pattern``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(NO_NUL_PATTERN, "Text cannot contain NUL characters."))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only (DRF's BooleanField also takes "yes", 1, "on"...)."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)

# --- read -----------------------------------------------------------------------------------


class OutletBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "slug", "country"]


class OutletSerializer(serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Outlet
        fields = ["id", "name", "slug", "domain", "country", "language", "notes", "is_sample", "article_count",
                  "created_at"]


class ArticleSerializer(serializers.ModelSerializer):
    outlet = OutletBriefSerializer(read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True, allow_null=True)
    syndicated_copy_of = serializers.IntegerField(source="syndicated_copy_of_id", read_only=True, allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "url", "title", "outlet", "published_at", "byline", "language", "event",
                  "syndicated_copy_of", "analysis_status", "analyzed_at", "ingested_at"]


class ArticleDetailSerializer(ArticleSerializer):
    claim_count = serializers.IntegerField(read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = ArticleSerializer.Meta.fields + ["standfirst", "text", "content_hash", "page_url", "page_position",
                                                  "claim_count"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["id", "title", "summary", "first_seen", "last_seen", "outlet_count", "claim_count", "agree_count",
                  "contradict_count", "reviewed", "locked", "story"]
        extra_kwargs = {"story": {"help_text": "A running story's first event, on its later parts (null on the "
                                               "first part and on an event that stands alone); list a story's "
                                               "parts with ?story=."}}


class NumberSerializer(serializers.Serializer):
    value = serializers.FloatField()
    text = serializers.CharField()
    unit = serializers.CharField()
    qualifier = serializers.CharField(required=False, allow_blank=True)
    what = serializers.CharField(required=False, allow_blank=True, help_text="What was counted, e.g. killed.")
    start = serializers.IntegerField(required=False)
    end = serializers.IntegerField(required=False)


class DateMentionSerializer(serializers.Serializer):
    text = serializers.CharField()
    date = serializers.DateField(allow_null=True)


class ClaimSerializer(serializers.ModelSerializer):
    article = serializers.IntegerField(source="article_id", read_only=True)
    outlet = OutletBriefSerializer(source="article.outlet", read_only=True)
    published_at = serializers.DateTimeField(source="article.published_at", read_only=True, allow_null=True)
    event = serializers.IntegerField(source="event_id", read_only=True, allow_null=True)
    cluster = serializers.IntegerField(source="cluster_id", read_only=True, allow_null=True)
    numbers = NumberSerializer(many=True, read_only=True)
    dates = DateMentionSerializer(many=True, read_only=True)
    places = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "text", "language", "article", "outlet", "published_at", "event", "cluster", "position",
                  "char_start", "char_end", "is_headline", "is_checkworthy", "speaker", "channel", "is_quote", "numbers",
                  "dates", "places"]


class ClaimBriefSerializer(serializers.ModelSerializer):
    article = serializers.IntegerField(source="article_id", read_only=True)
    outlet = OutletBriefSerializer(source="article.outlet", read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "text", "language", "article", "outlet", "speaker"]


class RelationSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id", read_only=True, allow_null=True)
    claim_a = ClaimBriefSerializer(read_only=True)
    claim_b = ClaimBriefSerializer(read_only=True)
    details = serializers.DictField(read_only=True, help_text=(
        "Machine-readable evidence. For numeric_mismatch: both figures as "
        "{a: {value, text}, b: {value, text}, unit}; for antonym: {words: [..]}."))

    class Meta:
        model = ClaimRelation
        fields = ["id", "event", "claim_a", "claim_b", "label", "score", "reason", "details", "set_by", "locked",
                  "note", "created_at", "updated_at"]


class SearchResultSerializer(ClaimSerializer):
    rank = serializers.FloatField(read_only=True, required=False,
                                  help_text="Keyword mode: full-text rank, higher is better.")
    distance = serializers.FloatField(read_only=True, required=False,
                                      help_text="Semantic mode: cosine distance, lower is closer.")

    class Meta(ClaimSerializer.Meta):
        fields = ClaimSerializer.Meta.fields + ["rank", "distance"]


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    mode = serializers.ChoiceField(choices=MODES)
    count = serializers.IntegerField()
    results = SearchResultSerializer(many=True)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=500, help_text="Words to find; keyword mode understands quotes, OR and -word.")
    mode = serializers.ChoiceField(choices=MODES, default="keyword")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)
    outlet = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    event = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    country = serializers.CharField(max_length=100, required=False)
    date_from = serializers.DateTimeField(required=False)
    date_to = serializers.DateTimeField(required=False)


# --- the comparison matrix (shape of comparer.exports.comparison_json) -------------------------


class ComparisonEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    first_seen = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(allow_null=True)
    outlet_count = serializers.IntegerField()
    claim_count = serializers.IntegerField()
    agree_count = serializers.IntegerField()
    contradict_count = serializers.IntegerField()


class ComparisonOutletSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    language = serializers.CharField(allow_blank=True, help_text="The outlet's declared language code.")
    is_sample = serializers.BooleanField()
    first_report_at = serializers.DateTimeField(allow_null=True)
    is_first_reporter = serializers.BooleanField()
    article_ids = serializers.ListField(child=serializers.IntegerField())


class ComparisonClaimSerializer(serializers.Serializer):
    claim_id = serializers.IntegerField()
    text = serializers.CharField()
    language = serializers.CharField(allow_blank=True, help_text="Language code of the original text, e.g. `ru`.")
    speaker = serializers.CharField(allow_blank=True)
    channel = serializers.CharField(allow_blank=True)
    is_quote = serializers.BooleanField()
    char_start = serializers.IntegerField()
    char_end = serializers.IntegerField()
    article_id = serializers.IntegerField()
    article_title = serializers.CharField()
    article_url = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)
    syndicated_copy_of = serializers.IntegerField(allow_null=True)


class ComparisonCellSerializer(serializers.Serializer):
    outlet_id = serializers.IntegerField()
    claims = ComparisonClaimSerializer(many=True)


class ComparisonRelationSerializer(serializers.Serializer):
    relation_id = serializers.IntegerField()
    claim_a_id = serializers.IntegerField()
    claim_b_id = serializers.IntegerField()
    label = serializers.ChoiceField(choices=ClaimRelation.Label.choices)
    score = serializers.FloatField()
    reason = serializers.ChoiceField(choices=ClaimRelation.Reason.choices)
    reason_display = serializers.CharField()
    details = serializers.DictField(help_text="Evidence; numeric_mismatch carries both figures (a, b, unit).")
    set_by = serializers.ChoiceField(choices=ClaimRelation.SetBy.choices)


class ComparisonRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=["contradict", "agree", "discusses", "related", "single"])
    outlet_count = serializers.IntegerField()
    cluster_ids = serializers.ListField(child=serializers.IntegerField())
    reasons = serializers.ListField(child=serializers.CharField(), help_text="One line per contradiction.")
    cells = ComparisonCellSerializer(many=True, help_text="One cell per outlet, in the order of `outlets`.")
    relations = ComparisonRelationSerializer(many=True)


class EventComparisonSerializer(serializers.Serializer):
    event = ComparisonEventSerializer()
    outlets = ComparisonOutletSerializer(many=True, help_text="Columns, earliest reporter first.")
    rows = ComparisonRowSerializer(many=True, help_text="Propositions, contradictions first.")
    syndicated = serializers.DictField(child=serializers.IntegerField(),
                                       help_text="Syndicated copy article id → original article id.")


# --- write ----------------------------------------------------------------------------------


def _size_error(label: str, value: str | None) -> str | None:
    if not value:
        return None
    limit = settings.COMPARER["MAX_ARTICLE_BYTES"]
    size = len(value.encode("utf-8"))
    if size > limit:
        return f"{label} is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB article limit."
    return None


class ArticleSubmissionSerializer(serializers.Serializer):
    """One article from a partner. Validation builds ``ArticleInput`` and resolves the outlet."""

    url = serializers.URLField(max_length=1000, required=False, allow_null=True,
                               help_text="Canonical URL; resubmitting the same URL returns the stored article.")
    outlet = StrictCharField(max_length=200, help_text=(
        "Outlet slug, name or domain as listed at /api/v1/outlets/ (case-insensitive)."))
    create_outlet = StrictBooleanField(default=False, help_text=(
        "Register `outlet` as a new outlet when no existing one matches; otherwise an unknown outlet is a 400."))
    title = StrictCharField(max_length=1000, required=False, allow_blank=True,
                                  help_text="Headline; defaults to the first line of the text.")
    published_at = serializers.DateTimeField(required=False, allow_null=True,
                                             help_text="ISO 8601, e.g. 2025-06-08T12:00:00Z (UTC if no offset).")
    text = StrictCharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False,
                                 help_text=("Plain article text, at least 20 characters other than spaces. "
                                            "Send `text` or `html`."))
    html = StrictCharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False,
                                 help_text="The article page as HTML; the body is extracted. Used when `text` is absent.")
    byline = StrictCharField(max_length=500, required=False, allow_blank=True)
    language = StrictCharField(max_length=20, required=False, allow_blank=True, help_text="e.g. `en`.")

    def validate_url(self, value):
        # DRF's URLField also takes ftp:// URLs; only http(s) is stored (comparer.safe_urls).
        if value and not is_http_url(value):
            raise serializers.ValidationError(unsafe_url_reason(value))
        return value

    def validate_text(self, value: str) -> str:
        if value is not None and not TEXT_PATTERN.match(value):
            raise serializers.ValidationError(
                f"Article text needs at least {ingest.MIN_ARTICLE_CHARS} characters other than spaces.")
        error = _size_error("text", value)
        if error:
            raise serializers.ValidationError(error)
        return value

    def validate_html(self, value: str) -> str:
        error = _size_error("html", value)
        if error:
            raise serializers.ValidationError(error)
        return value

    def validate(self, attrs):
        from comparer.api.services import OutletNotFound, outlet_name_for_submission

        if not (attrs.get("text") or "").strip() and not (attrs.get("html") or "").strip():
            raise serializers.ValidationError({"text": ["Send the article body as 'text' (plain) or 'html' (a page)."]})
        try:
            outlet_name = outlet_name_for_submission(name=attrs["outlet"], create=attrs["create_outlet"])
        except OutletNotFound as error:
            raise serializers.ValidationError({"outlet": [str(error)]}) from None
        mapping = {key: attrs.get(key) for key in ("url", "title", "published_at", "text", "html", "byline",
                                                   "language")}
        mapping["outlet"] = {"name": outlet_name}
        try:
            item = ingest.article_from_mapping(mapping, source=f"api:{self._partner_name()}", row=None)
            ingest.validate(item)
        except ingest.IngestError as error:
            field = "html" if (not attrs.get("text") and attrs.get("html")) else "text"
            raise serializers.ValidationError({field: [error.message]}) from None
        attrs["item"] = item
        return attrs

    def _partner_name(self) -> str:
        request = self.context.get("request")
        return request.user.get_username() if request is not None else "unknown"


class ArticleBatchSerializer(serializers.Serializer):
    articles = ArticleSubmissionSerializer(many=True, allow_empty=False, max_length=100, help_text=(
        "1 to 100 articles. All are validated first; if any is invalid nothing is stored."))


class SubmissionResultSerializer(serializers.ModelSerializer):
    created = serializers.BooleanField(help_text="false when the same url or text was already stored.")
    outlet = OutletBriefSerializer(read_only=True)

    class Meta:
        model = Article
        fields = ["id", "created", "url", "title", "outlet", "published_at", "analysis_status", "content_hash"]


class BatchResultSerializer(serializers.Serializer):
    created_count = serializers.IntegerField()
    existing_count = serializers.IntegerField()
    results = SubmissionResultSerializer(many=True, help_text="One per submitted article, in order.")
