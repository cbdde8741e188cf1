"""Cursor pagination with a stable order and a clean 404 for tampered cursors."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Cursor pages of ``page_size`` (default 50, at most 200) items.

    The requested ordering always ends with the primary key, so items that tie on the ordering
    field (many events have ``contradict_count`` 0) keep one order across pages and none is
    skipped or repeated.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
    invalid_cursor_message = "Invalid cursor; use the 'next' or 'previous' link of a previous page."

    def get_ordering(self, request, queryset, view):
        ordering = tuple(super().get_ordering(request, queryset, view))
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            # The tie-breaker follows the first field's direction, as cursor positions assume.
            ordering += ("-id" if ordering[0].startswith("-") else "id",)
        return ordering

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and "\x00" in cursor.position:
            raise NotFound(self.invalid_cursor_message)  # PostgreSQL text cannot hold NUL
        return cursor

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError):
            # A cursor decoded fine but carries a position that is not a value of the ordering
            # field (hand-edited or from another ordering): the same answer as a corrupt cursor.
            raise NotFound(self.invalid_cursor_message) from None
