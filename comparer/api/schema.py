"""OpenAPI additions: the shared error body on every operation, and an offline docs page.

drf-spectacular documents success responses from the serializers; the errors every endpoint can
answer (400, 401, 403, 404, 429 and 413 for uploads) come from ``comparer.api.errors`` and are
added here so clients and fuzzers know their shape.
"""
from __future__ import annotations

from functools import lru_cache

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "code": {"type": "string", "description": "Stable machine code: invalid, not_authenticated, "
                         "authentication_failed, permission_denied, not_found, throttled, payload_too_large, ..."},
                "message": {"type": "string", "description": "What went wrong and what to do next."},
                "fields": {"type": "object", "additionalProperties": True,
                           "description": "Validation errors by field (nested like the request); empty otherwise."},
            },
        },
    },
}

_ERRORS = {
    "400": "Invalid parameters or body; `fields` names each problem.",
    "401": "No credentials, or an unknown or revoked token.",
    "403": "Authenticated but not allowed (e.g. no submit permission, or a session request without CSRF token).",
    "404": "No such object, URL or cursor.",
    "413": "Request body over the size limit.",
    "429": "Rate limit reached for this token; retry after `Retry-After` seconds.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            codes = ["400", "401", "403", "404", "429"] + (["413"] if "requestBody" in operation else [])
            responses = operation.setdefault("responses", {})
            for code in codes:
                response = responses.setdefault(code, {"description": _ERRORS[code], "content": reference})
                if code == "429":
                    response["headers"] = {"Retry-After": {
                        "schema": {"type": "integer"}, "description": "Seconds until the next request is allowed."}}
    return result


def describe_submission_body(result, generator, request, public):
    """An article must carry ``text`` (at least 20 characters other than spaces) or ``html``; the
    serializer checks it in ``validate``, which drf-spectacular cannot see, so it is stated here."""
    from comparer.api.serializers import TEXT_PATTERN_SOURCE

    component = result.get("components", {}).get("schemas", {}).get("ArticleSubmissionRequest")
    if component is not None:
        component["anyOf"] = [
            {"required": ["text"], "properties": {"text": {"type": "string", "pattern": TEXT_PATTERN_SOURCE}}},
            {"required": ["html"], "properties": {"html": {"type": "string", "pattern": r"^[^\x00]*\S[^\x00]*$"}}},
        ]
        component["properties"]["text"]["pattern"] = TEXT_PATTERN_SOURCE
    return result


def drop_slash_after_file_names(result, generator, request, public):
    """Routes take an optional trailing slash; a file download reads best without one."""
    result["paths"] = {(path[:-1] if path.endswith(".csv/") else path): operations
                       for path, operations in result.get("paths", {}).items()}
    return result


@lru_cache(maxsize=1)
def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def docs_page(request):
    """A self-contained page (no CDN scripts) listing every operation from the live schema."""
    schema = _schema()
    tags: dict[str, list[dict]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            entry = {
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": operation.get("parameters", []),
                "request": body.get("$ref", "").rsplit("/", 1)[-1],
                "responses": sorted(operation.get("responses", {}).items()),
            }
            tags.setdefault((operation.get("tags") or ["api"])[0], []).append(entry)
    return render(request, "api/docs.html", {"info": schema["info"], "tags": sorted(tags.items()),
                                             "components": sorted(schema["components"]["schemas"].items())})
