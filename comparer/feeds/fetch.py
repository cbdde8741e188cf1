"""Polite HTTP fetching: conditional GET, one request per domain per interval, bounded size.

``fetch`` never raises on a 304: it returns ``FetchResult(status=304)`` so callers can keep
what they have. Every other failure is a ``FetchError`` whose ``transient`` flag says whether
trying again later can help (timeouts, 5xx, 429) or not (404, a non-HTTP URL, too large).
"""
from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from comparer.feeds.models import DomainFetchSlot


class FetchError(Exception):
    def __init__(self, url: str, message: str, *, status: int | None = None, transient: bool = False):
        self.url, self.status, self.transient = url, status, transient
        super().__init__(f"{url}: {message}")


@dataclass
class FetchResult:
    url: str
    status: int
    body: bytes = b""
    etag: str = ""
    modified: str = ""
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        charset = "utf-8"
        if "charset=" in self.content_type:
            charset = self.content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def check_public_host(url: str) -> None:
    """Refuse URLs whose host resolves to a private, loopback or link-local address.

    URLs come from API clients and feeds; without this a URL could make the server fetch from
    its own network. ``COMPARER_FEED_ALLOW_PRIVATE_HOSTS=true`` lifts it (tests, intranets).
    """
    if settings.COMPARER_FEEDS["ALLOW_PRIVATE_HOSTS"]:
        return
    parts = urlsplit(url)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except socket.gaierror as error:
        raise FetchError(url, f"cannot resolve host {parts.hostname!r}: {error.strerror}", transient=True) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise FetchError(url, f"host {parts.hostname!r} resolves to non-public address {ip}; refusing to "
                                  "fetch it (set COMPARER_FEED_ALLOW_PRIVATE_HOSTS=true to allow)")


def domain_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(url, "only http:// and https:// URLs with a host can be fetched")
    return parts.hostname.lower() + (f":{parts.port}" if parts.port else "")


def reserve_domain_slot(domain: str, interval: float | None = None) -> float:
    """Book the next free request slot for ``domain`` and return the seconds to wait for it.

    The booking is a row lock on ``DomainFetchSlot``, so every process and worker sharing the
    database respects the same per-domain rate.
    """
    interval = settings.COMPARER_FEEDS["DOMAIN_INTERVAL"] if interval is None else interval
    now = timezone.now()
    with transaction.atomic():
        slot, _ = DomainFetchSlot.objects.select_for_update().get_or_create(
            domain=domain, defaults={"next_fetch_at": now})
        start = max(now, slot.next_fetch_at)
        slot.next_fetch_at = start + timedelta(seconds=interval)
        slot.save(update_fields=["next_fetch_at"])
    return max(0.0, (start - now).total_seconds())


def release_domain_slot(domain: str, interval: float | None = None) -> None:
    """After a response: the next request to ``domain`` waits a full interval from now, however
    long this one took (a slow site gets fewer requests, not a burst once it answers)."""
    interval = settings.COMPARER_FEEDS["DOMAIN_INTERVAL"] if interval is None else interval
    DomainFetchSlot.objects.filter(domain=domain).update(
        next_fetch_at=Greatest(F("next_fetch_at"), Value(timezone.now() + timedelta(seconds=interval))))


def fetch(url: str, *, etag: str = "", modified: str = "", accept: str = "*/*") -> FetchResult:
    """GET ``url`` politely; sends ``If-None-Match``/``If-Modified-Since`` when given."""
    domain = domain_of(url)
    check_public_host(url)
    time.sleep(reserve_domain_slot(domain))
    try:
        return _get(url, etag=etag, modified=modified, accept=accept)
    finally:
        release_domain_slot(domain)


def _get(url: str, *, etag: str, modified: str, accept: str) -> FetchResult:
    config = settings.COMPARER_FEEDS
    headers = {"User-Agent": config["USER_AGENT"], "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
    limit = config["MAX_BYTES"]
    try:
        with urllib.request.urlopen(request, timeout=config["TIMEOUT"]) as response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise FetchError(url, f"response is over the {limit / 1e6:.1f} MB limit")
            return FetchResult(url=response.geturl(), status=response.status, body=body,
                               etag=response.headers.get("ETag", ""),
                               modified=response.headers.get("Last-Modified", ""),
                               content_type=response.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return FetchResult(url=url, status=304, etag=error.headers.get("ETag", etag),
                               modified=error.headers.get("Last-Modified", modified))
        transient = error.code >= 500 or error.code in (408, 429)
        raise FetchError(url, f"HTTP {error.code} {error.reason}", status=error.code, transient=transient) from None
    except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(url, f"could not connect: {reason}", transient=True) from None
