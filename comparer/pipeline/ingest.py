"""Ingest: turn files, HTML pages, JSON and dataset CSV rows into Outlet and Article rows.

Contract:
- ``parse_path`` yields ``ArticleInput`` for every good item and ``IngestError`` for every
  bad one (naming the file and row), so one bad item never stops a batch.
- ``ingest_article`` writes one article in one transaction and is idempotent: the same
  url or the same text (content hash) maps to the existing row.
- A page that carries several stories, each under its own headline, becomes one Article
  per story (``split_stories``).
- Every URL that is stored (``url``, ``page_url``) is an absolute http(s) URL: ``validate``
  refuses an item whose declared URL is anything else (``javascript:``, ``data:``, relative),
  naming the file and row; an outlet ``domain`` that is not a bare host name is left blank.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from comparer.models import Article, Outlet
from comparer.safe_urls import is_hostname, is_http_url, unsafe_url_reason

UNKNOWN_OUTLET = "Unknown outlet"
FORMATS = ("text", "html", "json", "csv")
_EXTENSIONS = {".txt": "text", ".text": "text", ".md": "text", ".html": "html", ".htm": "html",
               ".json": "json", ".csv": "csv"}
MIN_ARTICLE_CHARS = 20


class IngestError(Exception):
    """A bad input item. ``str()`` is a one-line message naming the source (and row)."""

    def __init__(self, source: str, message: str, row: int | None = None):
        self.source, self.row, self.message = source, row, message
        where = f"{source} row {row}" if row is not None else source
        super().__init__(f"{where}: {message}")


@dataclass
class OutletInput:
    name: str
    domain: str = ""
    country: str = ""
    language: str = ""
    notes: str = ""
    is_sample: bool = False


@dataclass
class ArticleInput:
    outlet: OutletInput
    title: str
    text: str
    url: str | None = None
    published_at: datetime | None = None
    byline: str = ""
    language: str = ""
    standfirst: str = ""
    source_format: str = ""
    source_name: str = ""
    page_url: str = ""
    page_position: int = 0
    metadata: dict = field(default_factory=dict)
    source_row: int | None = None  # the JSON item or CSV row it came from, for error messages


@dataclass
class IngestReport:
    created: list[Article] = field(default_factory=list)
    existing: list[Article] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        return self.created + self.existing


# --- text helpers --------------------------------------------------------------------------

def normalize_text(text: str) -> str:
    """NFC, unified newlines, trimmed lines, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def content_hash(text: str) -> str:
    canonical = re.sub(r"\s+", " ", normalize_text(text)).strip().lower()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_hash(outlet_id: int, title: str, text: str) -> str:
    """An article's identity for idempotent ingest: the same title and text from the same outlet.

    The outlet is part of it because a wire story that two outlets run word for word is two
    reports: each outlet's copy is stored, and analysis links it to the first as a syndicated copy.
    """
    return content_hash(f"{outlet_id}\n{title}\n{text}")


# Longest first: a UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Files that are never text, whatever a charset detector makes of them.
_BINARY_SIGNATURES = (b"\x89PNG", b"PK\x03\x04", b"PK\x05\x06", b"%PDF", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff",
                      b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"BZh", b"\xd0\xcf\x11\xe0")
# Legacy encodings the outlets' files come in (Russian/Ukrainian Windows and KOI8, Western Windows,
# which covers Latin-1 text). Detecting among a few keeps a short text from being read as a look-alike
# code page (cp1252 text read as cp1250 turns "naïve" into "naďve").
LEGACY_ENCODINGS = ("cp1251", "cp1252", "koi8_r")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def decode_bytes(raw: bytes, source: str) -> str:
    """Text from a file's bytes: a BOM names its Unicode encoding (UTF-8/16/32); otherwise UTF-8,
    then the legacy encoding that charset-normalizer finds most plausible. Binaries are refused."""
    if not raw.strip():
        raise IngestError(source, "file is empty; nothing to ingest")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(source, f"starts with a {encoding.upper()} byte-order mark but is not valid "
                                          f"{encoding.upper()} (offset {exc.start}); re-save it as UTF-8") from None
            if not text.strip("\ufeff \t\r\n"):
                raise IngestError(source, "file is empty; nothing to ingest")
            if _CONTROL_CHARS.search(text, 0, 8192):
                raise IngestError(source, f"starts with a {encoding.upper()} byte-order mark but holds control "
                                          "characters: a binary file, not text")
            return text.lstrip("\ufeff")
    if raw.startswith(_BINARY_SIGNATURES) or b"\x00" in raw[:8192]:
        raise IngestError(source, "looks like a binary file (contains NUL bytes or a binary signature), "
                                  "not text, HTML, JSON or CSV")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise IngestError(source, f"{utf8_error} and not readable as {', '.join(LEGACY_ENCODINGS)}; "
                                  "re-save it as UTF-8")
    return str(best)


def parse_when(value, source: str = "", row: int | None = None) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is None:
                raise IngestError(source, f"invalid date {text!r}; use ISO 8601 like 2025-06-08T12:00:00Z", row)
            moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt_timezone.utc)
    return moment


# --- multi-story pages ---------------------------------------------------------------------

@dataclass
class Story:
    title: str
    standfirst: str
    body: str


_CAPTION = re.compile(r"\((AP|AFP|Reuters|Getty Images|EPA|Anadolu|TASS|Sputnik|RIA Novosti)[^)]*\)\s*$")
_SENTENCE_END = re.compile(r"[.!?…\"”’'):]\s*$")


def _is_headline(line: str) -> bool:
    words = line.split()
    return (
        3 <= len(words) <= 16
        and len(line) <= 110
        and not _SENTENCE_END.search(line)
        and not _CAPTION.search(line)
        and line[0].isupper()
    )


def split_stories(text: str) -> list[Story]:
    """Split a page into stories, each introduced by a headline line.

    A headline is a short line with no closing punctuation followed by prose. Separator
    lines ("-") and photo captions ("... (AP)") are dropped. A page with one headline (or
    none) is one story.
    """
    lines = [line.strip() for line in normalize_text(text).split("\n")]
    lines = [line for line in lines if line and not re.fullmatch(r"[-–—*_=•·]+", line)]
    lines = [line for line in lines if not _CAPTION.search(line)]
    stories: list[Story] = []
    title, body = "", []
    for index, line in enumerate(lines):
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if _is_headline(line) and next_line and not _is_headline(next_line):
            if title or body:
                stories.append(_make_story(title, body))
            title, body = line, []
        else:
            body.append(line)
    if title or body:
        stories.append(_make_story(title, body))
    return [story for story in stories if story.body]


def _make_story(title: str, body: list[str]) -> Story:
    standfirst = ""
    # A first short paragraph that summarises the story is a standfirst, kept as the lead.
    if len(body) > 1 and len(body[0]) < 300 and title:
        standfirst = body[0]
    return Story(title=title, standfirst=standfirst, body="\n\n".join(body))


# --- parsers -------------------------------------------------------------------------------

def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        if declared not in FORMATS:
            raise IngestError(str(path), f"unknown format {declared!r}; use one of {', '.join(FORMATS)}")
        return declared
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise IngestError(str(path), f"cannot tell the format from {path.suffix or 'no extension'!r}; "
                                     f"pass --format {'|'.join(FORMATS)}")
    return fmt


def _sidecar_meta(path: Path) -> dict:
    sidecar = path.with_name(path.stem + ".meta.json")
    if not sidecar.exists():
        return {}
    try:
        return json.loads(decode_bytes(sidecar.read_bytes(), str(sidecar)))
    except ValueError as exc:
        raise IngestError(str(sidecar), f"malformed metadata JSON: {exc}") from None


def _domain_or_blank(value) -> str:
    """An outlet's domain is shown on its page; anything but a bare host name is dropped, not stored."""
    domain = str(value or "").strip()
    return domain if is_hostname(domain) else ""


def outlet_from(value, default_name: str | None = None) -> OutletInput:
    if isinstance(value, dict):
        name = str(value.get("name") or default_name or UNKNOWN_OUTLET).strip()
        return OutletInput(
            name=name, domain=_domain_or_blank(value.get("domain")), country=str(value.get("country") or ""),
            language=str(value.get("language") or ""), notes=str(value.get("notes") or ""),
            is_sample=bool(value.get("is_sample", False)),
        )
    return OutletInput(name=str(value or default_name or UNKNOWN_OUTLET).strip())


def parse_text(raw: str, source: str, meta: dict, outlet_name: str | None) -> list[ArticleInput]:
    outlet = outlet_from(meta.get("outlet"), outlet_name)
    if outlet_name:
        outlet.name = outlet_name
    url = meta.get("url") or None
    when = parse_when(meta.get("published_at"), source)
    stories = split_stories(raw)
    if not stories:
        raise IngestError(source, "no article text found")
    multi = len(stories) > 1
    items = []
    for position, story in enumerate(stories):
        title = story.title or (story.body.split("\n")[0][:200])
        items.append(ArticleInput(
            outlet=outlet, title=title, text=story.body, standfirst=story.standfirst,
            url=(f"{url}#story-{position + 1}" if (url and multi) else url),
            page_url=url or "" if multi else "", page_position=position,
            published_at=when, byline=str(meta.get("byline") or ""), language=str(meta.get("language") or ""),
            source_format="text", source_name=source, metadata={k: v for k, v in meta.items() if k != "outlet"},
        ))
    return items


def parse_html(raw: str, source: str, meta: dict, outlet_name: str | None) -> list[ArticleInput]:
    import trafilatura

    document = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, url=meta.get("url"))
    body = (getattr(document, "text", None) or "") if document is not None else ""
    if len(body.strip()) < MIN_ARTICLE_CHARS:
        raise IngestError(source, "HTML has no article body that could be extracted")
    sitename = getattr(document, "sitename", None) or ""
    outlet = outlet_from(meta.get("outlet"), outlet_name or sitename or getattr(document, "hostname", None))
    if not outlet.domain and getattr(document, "hostname", None):
        outlet.domain = _domain_or_blank(document.hostname)
    # A URL declared by the caller is checked (and refused if unsafe) by ``validate``; the page's
    # own canonical URL is only a guess, so an unsafe one is dropped rather than failing the page.
    page_url = getattr(document, "url", None)
    return [ArticleInput(
        outlet=outlet, title=(meta.get("title") or getattr(document, "title", None) or body[:120]).strip(),
        text=body, url=meta.get("url") or (page_url if is_http_url(page_url) else None),
        published_at=parse_when(meta.get("published_at") or getattr(document, "date", None), source),
        byline=str(meta.get("byline") or getattr(document, "author", None) or ""),
        language=str(meta.get("language") or getattr(document, "language", None) or ""),
        source_format="html", source_name=source,
    )]


def article_from_mapping(item: dict, source: str, row: int | None, default_outlet=None,
                         outlet_name: str | None = None, fmt: str = "json") -> ArticleInput:
    if not isinstance(item, dict):
        raise IngestError(source, f"expected an object with title and text, got {type(item).__name__}", row)
    outlet = outlet_from(item.get("outlet") or default_outlet, outlet_name)
    if outlet_name:
        outlet.name = outlet_name
    text = item.get("text")
    if not text and item.get("html"):
        html_items = parse_html(str(item["html"]), source, {"url": item.get("url"), "outlet": item.get("outlet")},
                                outlet.name)
        text = html_items[0].text
    if not isinstance(text, str) or len(text.strip()) < MIN_ARTICLE_CHARS:
        raise IngestError(source, "missing or empty 'text' (or 'html')", row)
    title = item.get("title") or text.strip().split("\n")[0][:200]
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    return ArticleInput(
        outlet=outlet, title=str(title).strip(), text=text, url=(str(item["url"]) if item.get("url") else None),
        published_at=parse_when(item.get("published_at"), source, row), byline=str(item.get("byline") or ""),
        language=str(item.get("language") or ""), source_format=fmt, source_name=source, metadata=metadata,
        source_row=row,
    )


def parse_json(raw: str, source: str, outlet_name: str | None) -> Iterator[ArticleInput | IngestError]:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise IngestError(source, f"malformed JSON: {exc}") from None
    default_outlet = None
    if isinstance(data, dict) and "articles" in data:
        default_outlet = data.get("outlet")
        items = data["articles"]
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    if not isinstance(items, list):
        raise IngestError(source, "'articles' must be a list")
    for row, item in enumerate(items, start=1):
        try:
            yield article_from_mapping(item, source, row, default_outlet, outlet_name)
        except IngestError as error:
            yield error


_CSV_TITLE = ("title", "headline", "articleheadline", "claimheadline")
_CSV_TEXT = ("text", "body", "articlebody", "content")
_CSV_OUTLET = ("outlet", "source", "publisher")


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass
class CsvRecord:
    number: int              # 1 = the header, as a spreadsheet numbers rows
    line: int                # first physical line of the record
    fields: list[str] | None  # None when the record is malformed
    problem: str = ""


def csv_records(raw: str) -> Iterator[CsvRecord]:
    """Split CSV text into records, so that one malformed record is reported and skipped instead of
    swallowing the rows after it (the csv module, lenient, reads an unclosed quote on to the next
    quote, several rows later, and makes one bogus row of them; strict, it stops at the error).

    A record spans physical lines while a quoted field is open; a quote still open at the end of the
    file is an unclosed quote on the record's first line, and reading resumes on the next line.
    """
    lines = _PHYSICAL_LINE.findall(raw)
    index, number = 0, 0
    while index < len(lines):
        end, quotes = index, lines[index].count('"')
        while quotes % 2 and end + 1 < len(lines):
            end += 1
            quotes += lines[end].count('"')
        if quotes % 2:
            end = index  # the quote is never closed: only this line is lost
        text = "".join(lines[index:end + 1])
        if not text.strip():
            index = end + 1
            continue
        number += 1
        if quotes % 2:
            yield CsvRecord(number, index + 1, None, "unclosed quote (a \" that is never closed); row skipped")
        else:
            try:
                fields = next(csv.reader([text], strict=True), [])
            except csv.Error as error:
                yield CsvRecord(number, index + 1, None, f"malformed CSV ({error}); row skipped")
            else:
                yield CsvRecord(number, index + 1, fields)
        index = end + 1


def parse_csv(raw: str, source: str, outlet_name: str | None) -> Iterator[ArticleInput | IngestError]:
    """Generic article CSV, FNC-1 bodies (``Body ID, articleBody``) and Emergent rows.

    A malformed row (unclosed quote, text after a closing quote, more fields than the header) is an
    ``IngestError`` naming its row and line; the other rows still go in.
    """
    csv.field_size_limit(64 * 1024 * 1024)
    records = csv_records(raw)
    header = next(records, None)
    if header is None or not header.fields or not any(name.strip() for name in header.fields):
        raise IngestError(source, "CSV has no header row")
    fieldnames = header.fields
    columns = {name.lower().replace(" ", "").replace("_", ""): name for name in fieldnames}

    def pick(row: dict, names: Iterable[str]) -> str:
        for name in names:
            if name in columns and row.get(columns[name]):
                return row[columns[name]]
        return ""

    if not any(name in columns for name in _CSV_TEXT + _CSV_TITLE):
        raise IngestError(source, f"CSV needs a text or headline column; found {', '.join(fieldnames)}")
    for record in records:
        row_number = record.number
        try:
            if record.fields is None:
                raise IngestError(source, f"line {record.line}: {record.problem}", row_number)
            if len(record.fields) > len(fieldnames):
                raise IngestError(source, "row has more fields than the header", row_number)
            row = dict(zip(fieldnames, record.fields))
            text = pick(row, _CSV_TEXT) or pick(row, _CSV_TITLE)
            title = pick(row, _CSV_TITLE) or text.strip().split("\n")[0][:200]
            body_id = pick(row, ("bodyid", "articleid"))
            outlet = outlet_name or pick(row, _CSV_OUTLET) or UNKNOWN_OUTLET
            metadata = {"dataset_row": row_number}
            if body_id:
                metadata["dataset_id"] = body_id
            if pick(row, ("claimid",)):
                metadata["claim_id"] = pick(row, ("claimid",))
            yield article_from_mapping(
                {"title": title, "text": text, "url": pick(row, ("url",)) or None,
                 "published_at": pick(row, ("publishedat", "date")) or None, "metadata": metadata},
                source, row_number, default_outlet={"name": outlet, "domain": outlet if "." in outlet else ""},
                fmt="csv",
            )
        except IngestError as error:
            yield error


def parse_path(path: str | Path, fmt: str | None = None,
               outlet_name: str | None = None) -> Iterator[ArticleInput | IngestError]:
    """Yield every article in a file, or an ``IngestError`` per bad file or row."""
    path = Path(path)
    source = str(path)
    try:
        if not path.is_file():
            raise IngestError(source, "no such file")
        size = path.stat().st_size
        limit = settings.COMPARER["MAX_ARTICLE_BYTES"]
        fmt = detect_format(path, fmt)
        # A CSV dataset may hold many articles; the per-article limit applies to each row.
        if fmt != "csv" and size > limit:
            raise IngestError(source, f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB article limit")
        raw = decode_bytes(path.read_bytes(), source)
        if fmt == "text":
            yield from parse_text(raw, source, _sidecar_meta(path), outlet_name)
        elif fmt == "html":
            yield from parse_html(raw, source, _sidecar_meta(path), outlet_name)
        elif fmt == "json":
            yield from parse_json(raw, source, outlet_name)
        else:
            yield from parse_csv(raw, source, outlet_name)
    except IngestError as error:
        yield error


# --- writing -------------------------------------------------------------------------------

def resolve_outlet(data: OutletInput) -> Outlet:
    """Find the outlet by exact name, then by domain, then by a near-identical name; else create it."""
    from rapidfuzz import fuzz, process

    name = data.name.strip() or UNKNOWN_OUTLET
    outlet = Outlet.objects.filter(name__iexact=name).first()
    if outlet is None and data.domain:
        outlet = Outlet.objects.filter(domain__iexact=data.domain).first()
    if outlet is None:
        names = dict(Outlet.objects.values_list("name", "id"))
        match = process.extractOne(name, list(names), scorer=fuzz.token_sort_ratio, score_cutoff=96) if names else None
        if match:
            outlet = Outlet.objects.get(id=names[match[0]])
    if outlet is None:
        base_slug = slugify(name)[:180] or "outlet"
        slug, suffix = base_slug, 2
        while Outlet.objects.filter(slug=slug).exists():
            slug, suffix = f"{base_slug}-{suffix}", suffix + 1
        outlet = Outlet.objects.create(
            name=name[:200], slug=slug, domain=data.domain, country=data.country, language=data.language,
            notes=data.notes, is_sample=data.is_sample,
        )
    return outlet


def validate(item: ArticleInput) -> None:
    """Refuse an item that must not be stored. Every write path (files, feeds, API) passes here,
    so this is where URLs are checked."""
    source, row = item.source_name or "article", item.source_row
    text = normalize_text(item.text)
    if len(text) < MIN_ARTICLE_CHARS:
        raise IngestError(source, f"article text is empty or too short ({len(text)} characters)", row)
    limit = settings.COMPARER["MAX_ARTICLE_BYTES"]
    if len(text.encode("utf-8")) > limit:
        raise IngestError(source, f"article text is over the {limit / 1e6:.1f} MB limit", row)
    if not item.title.strip():
        raise IngestError(source, "article has no title", row)
    for name, value in (("url", item.url), ("page_url", item.page_url)):
        if value and not is_http_url(value):
            raise IngestError(source, f"{name} {str(value)[:80]!r} refused: {unsafe_url_reason(str(value))}", row)


def article_language(title: str, text: str, *, declared: str = "") -> str:
    """The language the article is written in, detected from its text (``multilingual.detect_language``).

    Feeds and outlets declare a language that is often the outlet's usual one, not this article's
    (an English-language outlet's Russian quote page), so the text decides; the declared language
    is kept only when the text is too short to tell.
    """
    from comparer.pipeline import multilingual

    declared = (declared or "").strip().lower()[:20]
    return multilingual.detect_language(f"{title}\n{text}", default=declared) or declared


@transaction.atomic
def ingest_article(item: ArticleInput) -> tuple[Article, bool]:
    """Store one article (idempotent by url, or by outlet, title and text: ``article_hash``).
    Returns (article, created)."""
    validate(item)
    text = normalize_text(item.text)
    if item.url and (existing := Article.objects.filter(url=item.url).first()) is not None:
        return existing, False
    outlet = resolve_outlet(item.outlet)
    title = normalize_text(item.title)[:1000]
    digest = article_hash(outlet.id, title, text)
    if (existing := Article.objects.filter(content_hash=digest).first()) is not None:
        return existing, False
    article = Article.objects.create(
        outlet=outlet, url=item.url, title=title, standfirst=item.standfirst,
        published_at=item.published_at, byline=item.byline[:500], text=text, content_hash=digest,
        language=article_language(title, text, declared=item.language or outlet.language),
        source_format=item.source_format,
        source_name=item.source_name[:1000], page_url=item.page_url or "", page_position=item.page_position,
        metadata=item.metadata,
    )
    return article, True


def ingest_items(items: Iterable[ArticleInput | IngestError], report: IngestReport | None = None) -> IngestReport:
    report = report or IngestReport()
    for item in items:
        if isinstance(item, IngestError):
            report.errors.append(item)
            continue
        try:
            article, created = ingest_article(item)
        except IngestError as error:
            report.errors.append(error)
            continue
        (report.created if created else report.existing).append(article)
    return report


def ingest_paths(paths: Iterable[str | Path], fmt: str | None = None, outlet_name: str | None = None,
                 progress: bool = False) -> IngestReport:
    """Ingest every file (directories are walked); bad items are reported, not fatal."""
    files: list[Path] = []
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in _EXTENSIONS and not p.name.endswith(".meta.json")
                                and p.name.lower() != "readme.md"))
        else:
            files.append(path)
    report = IngestReport()
    iterator: Iterable[Path] = files
    if progress:
        from tqdm import tqdm

        iterator = tqdm(files, desc="ingest", unit="file")
    for path in iterator:
        ingest_items(parse_path(path, fmt, outlet_name), report)
    return report
