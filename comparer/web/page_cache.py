"""The event comparison page's rendered parts, cached by the version of the event's data.

An entry is keyed by the event, the page's options (rows page, column order, only
disagreements), ``selectors.event_comparison_version`` (a fingerprint, read in the database on
every request, of every row the comparison reads) and this code's own version (the source of the
selector, the web package and the event templates). Nothing is invalidated by hand: any write to
those rows, by whatever means (curation services, the admin, the pipeline's bulk updates, raw
SQL), changes the version, so the very next request misses and renders afresh. Entries for old
versions are never read again and age out (``TIMEOUT``, ``MAX_ENTRIES``).

The cache is the ``comparison`` alias of ``CACHES`` (``COMPARER_PAGE_CACHE_URL``; by default
files under ``var/cache/event-pages``, shared by every process on the machine). A cache that
fails (disk full, unreadable entry) costs a render, never the page.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.urls import get_script_prefix

logger = logging.getLogger(__name__)

CACHE_ALIAS = "comparison"
FORMAT = 1   # bump when EventPage changes shape


@dataclass
class EventPage:
    """What the event page shows that depends only on the event's data and the page's options."""
    event_id: int
    title: str
    row_count: int                   # rows after "only disagreements"
    total_rows: int                  # rows before it
    row_page: dict                   # number, count, first, last, previous, next
    head_html: str                   # title, figures, summary, timeline (safe HTML)
    table_html: str                  # the comparison table (safe HTML)
    compare_html: str                # the "compare two outlets" form (safe HTML)


@cache
def code_version() -> str:
    """A digest of the code that renders a page, so a deploy never serves another version's HTML."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"{FORMAT}:{django.__version__}:{settings.TIME_ZONE}".encode())
    sources = [root / "comparer" / "selectors.py", *sorted((root / "comparer" / "web").rglob("*.py")),
               *sorted((root / "templates" / "events").glob("*.html"))]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(*, event_id: int, version: str, **options) -> str:
    """The cache key of one page of one event at one data version."""
    database = connection.settings_dict
    parts = [database.get("HOST"), database.get("PORT"), database["NAME"], event_id, version, code_version(),
             get_script_prefix(), sorted(options.items())]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"event-page:{event_id}:{digest}"


def get(key: str) -> EventPage | None:
    try:
        page = caches[CACHE_ALIAS].get(key)
    except Exception:  # a broken entry or backend: render instead
        logger.warning("event page cache: could not read %s", key, exc_info=True)
        return None
    return page if isinstance(page, EventPage) else None


def put(key: str, page: EventPage) -> None:
    try:
        caches[CACHE_ALIAS].set(key, page)
    except Exception:
        logger.warning("event page cache: could not store %s", key, exc_info=True)
