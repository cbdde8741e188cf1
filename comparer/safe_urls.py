"""Which URLs Comparer stores and shows as links: absolute http:// and https:// URLs only.

An article's URL comes from files, feeds, CSV datasets and partners, and every page renders it
as a link. A ``javascript:`` or ``data:`` URL there would run in a researcher's session when
clicked, so ingest refuses such URLs (``comparer.pipeline.ingest.validate``) and templates link a
stored URL only when it passes the same test (``safe_http_url``), for rows written before the
check existed or by hand.
"""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

LINK_SCHEMES = ("http", "https")
_validate_http_url = URLValidator(schemes=list(LINK_SCHEMES))
# A bare host name as an outlet's domain ("kyivindependent.com", "example.org:8080").
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
                       r"(?::\d{1,5})?$", re.IGNORECASE)


def is_http_url(value) -> bool:
    """True for an absolute http(s) URL with a host (Django's URLValidator, http/https only)."""
    if not isinstance(value, str) or not value or value != value.strip():
        return False
    try:
        _validate_http_url(value)
    except ValidationError:
        return False
    return True


def safe_http_url(value) -> str:
    """``value`` when it is safe to put in an ``href``; "" otherwise (so no link is rendered)."""
    return value if is_http_url(value) else ""


def unsafe_url_reason(value: str) -> str:
    """A one-line explanation of why ``value`` is not accepted, for error messages."""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme and scheme not in LINK_SCHEMES and re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
        return f"URL scheme {scheme!r} is not allowed; only http:// and https:// URLs are stored"
    return "not an absolute http:// or https:// URL with a host"


def is_hostname(value) -> bool:
    """True for a bare host name (optionally with a port), the shape of ``Outlet.domain``."""
    return isinstance(value, str) and bool(_HOSTNAME.match(value))
