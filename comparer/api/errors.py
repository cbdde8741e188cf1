"""One JSON error shape for everything under ``/api/``.

Every error a partner can see, from a DRF validation failure to a URL that matches nothing or an
unhandled exception, has the body::

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {...}}}

``fields`` is always there: empty except for validation errors, where it mirrors the submitted
structure (field name → list of messages; nested objects and lists keep their shape). Tracebacks never leave the
server: they go to the ``comparer.api`` logger.
"""
from __future__ import annotations

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger("comparer.api")

API_PREFIX = "/api/"


def error_body(*, status_code: int, code: str, message: str, fields=None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = _first_message(value)
            return inner if key == "non_field_errors" else f"{key}: {inner}"
        return "Invalid input."
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else "Invalid input."
    return str(detail)


def _code_of(exc: exceptions.APIException, detail) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def api_exception_handler(exc, context):
    """DRF's handler, reshaped into the stable error body (headers such as Retry-After are kept)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        from comparer.api.parsers import PayloadTooLarge

        exc = PayloadTooLarge("Request body is over the server's size limit; send a smaller request.")
    response = exception_handler(exc, context)
    if response is None:
        return None  # unhandled: ApiErrorMiddleware answers with a JSON 500
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = "Invalid input: " + _first_message(fields)
        body = error_body(status_code=response.status_code, code="invalid", message=message, fields=fields)
    else:
        body = error_body(status_code=response.status_code, code=_code_of(exc, detail),
                          message=_first_message(detail))
    return Response(body, status=response.status_code, headers={
        name: value for name, value in response.items() if name.lower() in ("retry-after", "www-authenticate", "allow")
    })


_CODES = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
          405: "method_not_allowed", 413: "payload_too_large", 500: "server_error"}


def _status_error(status_code: int, message: str | None = None) -> JsonResponse:
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        phrase = "Error"
    return JsonResponse(error_body(status_code=status_code, code=_CODES.get(status_code, "error"),
                                   message=message or f"{phrase}."), status=status_code)


class ApiErrorMiddleware:
    """Turn Django's own error pages under ``/api/`` (unknown URL, 500, oversized request) into JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith(API_PREFIX) and response.status_code >= 400
                and not response.get("Content-Type", "").startswith("application/json")):
            message = "No API endpoint at this URL; see /api/v1/docs/." if response.status_code == 404 else None
            replacement = _status_error(response.status_code, message)
            for header in ("Retry-After", "WWW-Authenticate", "Allow"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, Http404):
            return _status_error(404, "Not found.")
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return _status_error(500, "Internal server error; the error was logged. Retry later or contact the operators.")
