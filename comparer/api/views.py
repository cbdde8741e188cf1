"""Partner API v1: thin views. Querysets come from ``comparer.api.selectors``, the comparison
from ``comparer.selectors.event_comparison`` and ``comparer.exports``, writes go through
``comparer.api.services``.
"""
from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from comparer import exports, selectors as comparer_selectors
from comparer.api import filters, selectors, serializers, services
from comparer.api.permissions import CanSubmitArticles
from comparer.search import ClaimFilters, search_claims


class JsonErrorsMixin:
    """Errors render as JSON even when the client negotiated another format (the CSV export)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400 and \
                not isinstance(response.accepted_renderer, JSONRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


class ReadOnlyApiViewSet(JsonErrorsMixin, viewsets.ReadOnlyModelViewSet):
    throttle_scope = "read"
    filter_backends = [DjangoFilterBackend, filters.PublicOrderingFilter]
    # Ids only (at most 18 digits, always inside bigint): anything else is a plain 404.
    lookup_value_regex = r"[0-9]{1,18}"


@extend_schema_view(list=extend_schema(summary="List outlets"), retrieve=extend_schema(summary="One outlet"))
class OutletViewSet(ReadOnlyApiViewSet):
    queryset = selectors.outlet_list()
    serializer_class = serializers.OutletSerializer
    filterset_class = filters.OutletFilter
    ordering_fields = ["name", "created_at", "article_count", "id"]
    ordering = ["name"]


@extend_schema_view(
    list=extend_schema(summary="List articles",
                       description="Newest first by default. `ordering` accepts published_at, ingested_at, id."),
    retrieve=extend_schema(summary="One article with its text",
                           description="`analysis_status` is `done` once claims, events and relations exist."),
)
class ArticleViewSet(mixins.CreateModelMixin, ReadOnlyApiViewSet):
    filterset_class = filters.ArticleFilter
    ordering_fields = ["published_at", "ingested_at", "id"]
    ordering_aliases = {"published_at": "published_sort"}
    ordering = ["-published_at"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.article_detail_queryset()
        return selectors.article_list()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ArticleDetailSerializer
        if self.action == "create":
            return serializers.ArticleSubmissionSerializer
        if self.action == "batch":
            return serializers.ArticleBatchSerializer
        return serializers.ArticleSerializer

    def get_permissions(self):
        if self.action in ("create", "batch"):
            return [*super().get_permissions(), CanSubmitArticles()]
        return super().get_permissions()

    @property
    def throttle_scope(self):
        return "submit" if self.action in ("create", "batch") else "read"

    @extend_schema(
        summary="Submit one article",
        description=("Idempotent: the same url, or the same title and text, returns the stored article with 200 "
                     "and `created: false`; a new article gets 201. Analysis runs after the request; poll "
                     "`GET /api/v1/articles/{id}/` until `analysis_status` is `done`."),
        request=serializers.ArticleSubmissionSerializer,
        responses={201: serializers.SubmissionResultSerializer, 200: serializers.SubmissionResultSerializer},
    )
    def create(self, request, *args, **kwargs):
        submission = self.get_serializer(data=request.data)
        submission.is_valid(raise_exception=True)
        [result] = services.articles_submit(items=[submission.validated_data["item"]])
        result.article.created = result.created
        body = serializers.SubmissionResultSerializer(result.article).data
        if not result.created:
            return Response(body, status=status.HTTP_200_OK)
        location = reverse("api:article-detail", kwargs={"pk": result.article.id})
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    @extend_schema(
        summary="Submit up to 100 articles",
        description=("All articles are validated first; if any is invalid the answer is 400 with errors by "
                     "position and nothing is stored. 201 when at least one article is new, else 200."),
        request=serializers.ArticleBatchSerializer,
        responses={201: serializers.BatchResultSerializer, 200: serializers.BatchResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def batch(self, request):
        batch = self.get_serializer(data=request.data)
        batch.is_valid(raise_exception=True)
        results = services.articles_submit(items=[entry["item"] for entry in batch.validated_data["articles"]])
        for result in results:
            result.article.created = result.created
        created = sum(1 for result in results if result.created)
        body = serializers.BatchResultSerializer({
            "created_count": created, "existing_count": len(results) - created,
            "results": [result.article for result in results],
        }).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


_COMPARISON_PARAMETERS = [
    OpenApiParameter("only_disagreements", OpenApiTypes.BOOL, description="Only rows with a contradiction."),
    OpenApiParameter("all_claims", OpenApiTypes.BOOL,
                     description="Include claims that are not check-worthy (default: factual claims and headlines)."),
]


def _flag(request, name: str) -> bool:
    """A boolean query parameter: absent, ``true`` or ``false`` (the schema's boolean); else a 400."""
    from rest_framework.exceptions import ValidationError

    values = request.query_params.getlist(name)
    if not values:
        return False
    if values[-1] not in ("true", "false"):
        raise ValidationError({name: ["Enter true or false."]})
    return values[-1] == "true"


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode("utf-8") if isinstance(data, str) else data


@extend_schema_view(
    list=extend_schema(summary="List events",
                       description="`ordering` accepts contradict_count, outlet_count, claim_count, first_seen, "
                                   "last_seen, id; default newest first."),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(ReadOnlyApiViewSet):
    queryset = selectors.event_list()
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = ["contradict_count", "outlet_count", "claim_count", "first_seen", "last_seen", "id"]
    ordering_aliases = {"first_seen": "first_seen_sort", "last_seen": "last_seen_sort"}
    ordering = ["-last_seen"]

    @property
    def throttle_scope(self):
        return "export" if self.action in ("comparison", "comparison_csv") else "read"

    def _comparison(self, request, pk):
        return comparer_selectors.event_comparison(
            event_id=pk, only_disagreements=_flag(request, "only_disagreements"),
            checkworthy_only=not _flag(request, "all_claims"))

    @extend_schema(summary="The side-by-side comparison matrix",
                   description=("Outlets are columns (earliest reporter first); each row is one proposition with "
                                "one cell per outlet, its relations and one reason line per contradiction."),
                   parameters=_COMPARISON_PARAMETERS, responses=serializers.EventComparisonSerializer,
                   filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def comparison(self, request, pk=None):
        return Response(exports.comparison_json(self._comparison(request, int(pk))))

    @extend_schema(summary="The comparison matrix as CSV", description="One line per claim cell; see the README.",
                   parameters=_COMPARISON_PARAMETERS, filters=False,
                   responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with a header row.")})
    @action(detail=True, methods=["get"], url_path="comparison.csv", filter_backends=[], pagination_class=None,
            renderer_classes=[CsvRenderer, JSONRenderer])
    def comparison_csv(self, request, pk=None):
        event_id = int(pk)
        content = exports.comparison_csv(self._comparison(request, event_id))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="event-{event_id}-comparison.csv"'
        return response


@extend_schema_view(list=extend_schema(summary="List claims",
                                       description="`ordering` accepts published_at, position, id."),
                    retrieve=extend_schema(summary="One claim"))
class ClaimViewSet(ReadOnlyApiViewSet):
    queryset = selectors.claim_list()
    serializer_class = serializers.ClaimSerializer
    filterset_class = filters.ClaimFilter
    ordering_fields = ["published_at", "position", "id"]
    ordering_aliases = {"published_at": "published_sort"}
    ordering = ["id"]


@extend_schema_view(list=extend_schema(summary="List relations between claims",
                                       description="`ordering` accepts score, created_at, id; default strongest first."),
                    retrieve=extend_schema(summary="One relation"))
class RelationViewSet(ReadOnlyApiViewSet):
    queryset = selectors.relation_list()
    serializer_class = serializers.RelationSerializer
    filterset_class = filters.RelationFilter
    ordering_fields = ["score", "created_at", "id"]
    ordering = ["-score"]


class SearchView(JsonErrorsMixin, APIView):
    throttle_scope = "search"

    @extend_schema(summary="Search claims", parameters=[serializers.SearchQuerySerializer],
                   responses=serializers.SearchResponseSerializer,
                   description="keyword: PostgreSQL full-text; semantic: nearest in meaning (embeddings). "
                               "Best first, at most `limit` results.")
    def get(self, request):
        query = serializers.SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        claim_filters = ClaimFilters(outlet_id=params.get("outlet"), event_id=params.get("event"),
                                     country=params.get("country", ""), date_from=params.get("date_from"),
                                     date_to=params.get("date_to"))
        results = search_claims(params["q"], params["mode"], claim_filters, limit=params["limit"])
        return Response(serializers.SearchResponseSerializer({
            "query": params["q"], "mode": params["mode"], "count": len(results), "results": results,
        }).data)
