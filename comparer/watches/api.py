"""Partner API for watches, under ``/api/v1/watches/``: thin views over the watches' selectors and
services, with the API's token auth, error body, cursor pages and rate limits.

A partner sees only its own watches and changes: another account's watch answers 404.
"""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from comparer.api.views import JsonErrorsMixin
from comparer.watches import selectors, serializers, services


@extend_schema_view(
    list=extend_schema(summary="List your watches", description="Newest first."),
    retrieve=extend_schema(summary="One of your watches"),
    destroy=extend_schema(summary="Stop watching", description="Deletes the watch and its recorded changes."),
)
class WatchViewSet(JsonErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                   viewsets.GenericViewSet):
    serializer_class = serializers.WatchSerializer
    filter_backends: list = []
    lookup_value_regex = r"[0-9]{1,18}"

    @property
    def throttle_scope(self):
        return "submit" if self.action in ("create", "destroy") else "read"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return selectors.Watch.objects.none()
        return selectors.watch_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.WatchCreateSerializer
        if self.action in ("changes", "all_changes"):
            return serializers.WatchChangeSerializer
        return serializers.WatchSerializer

    @extend_schema(
        summary="Watch an event, an outlet pair or a search",
        description=("`kind=event` needs `event`; `kind=outlet_pair` needs `outlet_a` and `outlet_b`; `kind=search` "
                     "needs `query` and takes `search_mode` and the `filter_*` fields of `/api/v1/search/`. "
                     "What is already contested when the watch is made is not reported; new contradictions, "
                     "figure mismatches, curators' relabels to contradict and (for events) new outlets are. "
                     "Watching the same thing again returns the existing watch with 200."),
        request=serializers.WatchCreateSerializer,
        responses={201: serializers.WatchSerializer, 200: serializers.WatchSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = serializers.WatchCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        watch, created = services.watch_create(user=request.user, **body.validated_data)
        data = serializers.WatchSerializer(watch).data
        if not created:
            return Response(data, status=status.HTTP_200_OK)
        return Response(data, status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("api:watch-detail", kwargs={"pk": watch.id})})

    def perform_destroy(self, instance):
        services.watch_delete(watch=instance)

    def _changes_page(self, request, *, watch_id=None):
        services.changes_record_for_user(user=request.user)
        changes = selectors.change_list(user=request.user, watch_id=watch_id)
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="News on all your watches",
                   description="New contradictions, figure mismatches, relabels and outlets, newest first; the "
                               "same entries as your Atom feed.",
                   responses=serializers.WatchChangeSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="changes")
    def all_changes(self, request):
        return self._changes_page(request)

    @extend_schema(summary="News on one watch", responses=serializers.WatchChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def changes(self, request, pk=None):
        watch = self.get_object()
        return self._changes_page(request, watch_id=watch.id)
