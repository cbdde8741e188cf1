"""JSON request parsing with an upper bound on the body size.

A body over ``COMPARER_API["MAX_REQUEST_BYTES"]`` is refused with 413 before it is read into
memory. Bodies under it reach validation, where each article gets the per-article limit
(``COMPARER["MAX_ARTICLE_BYTES"]``) and a field error naming it. This parser is not a subclass of
DRF's ``JSONParser`` on purpose: DRF reads such bodies through ``request.body``, which applies
Django's site-wide ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB, below the article limit) instead.
"""
from __future__ import annotations

import json

from django.conf import settings
from rest_framework import exceptions, renderers, status
from rest_framework.parsers import BaseParser


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body is too large."
    default_code = "payload_too_large"


def max_request_bytes() -> int:
    return settings.COMPARER_API["MAX_REQUEST_BYTES"]


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class BoundedJSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_request_bytes()
        request = (parser_context or {}).get("request")
        too_large = PayloadTooLarge(f"Request body is over the {limit / 1e6:.1f} MB limit; "
                                    f"send fewer or smaller articles per request.")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            declared = 0
        if declared > limit:
            raise too_large
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"Request body is not UTF-8 (byte at offset {exc.start}).") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
