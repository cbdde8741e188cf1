"""Cursor pagination with a stable order and a clean 404 for tampered cursors."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
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

    def get_page_size(self, request):
        """``page_size`` is an integer in 1..200 or absent; anything else is a 400, as the schema says
        (an unreadable or out-of-range value used to fall back to the default silently)."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        value = raw[-1]
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [
                f"Enter a whole number from 1 to {self.max_page_size}."]})
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size,
                                       "default": self.page_size}
        return parameters

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
